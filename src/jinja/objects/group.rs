//! `GroupTuple`: one group of the `groupby` filter.

use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};

/// Jinja2's `_GroupTuple`: a `(grouper, list)` pair that also has the
/// attributes `grouper` and `list`, and prints as a plain tuple.
#[derive(Debug)]
pub struct GroupTuple {
    pub grouper: Value,
    pub list: Value,
}

impl Object for GroupTuple {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match (key.as_str(), key.as_i64()) {
            (Some("grouper"), _) | (_, Some(0 | -2)) => Some(self.grouper.clone()),
            (Some("list"), _) | (_, Some(1 | -1)) => Some(self.list.clone()),
            _ => None,
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(2)
    }

    fn render(self: &Arc<Self>, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&crate::jinja::repr::jinja_repr(&Value::from_dyn_object(
            self.clone(),
        )))
    }
}
