//! Which tag a template is read at, and the version facts of a commit.
//!
//! Copier 9.19.1 picks the newest tag whose name parses as a PEP 440 version
//! (`v` prefix allowed, pre-releases only on request). It records
//! `git describe --tags --always` as `_commit`. It derives the commit's
//! PEP 440 version with dunamai 1.26 (`Version.from_git` with the
//! `default-unprefixed` pattern, serialized in PEP 440 style). There the
//! nearest tag that looks like a version gives the base, and `n` commits
//! after it the version becomes `<base>.post<n>.dev0+<short sha>`. Both use
//! git's automatic abbreviation length, which `abbrev_len` reproduces.

use std::cmp::Reverse;
use std::str::FromStr as _;
use std::sync::LazyLock;

use anyhow::{Context as _, Result};
use git2::{DescribeFormatOptions, DescribeOptions, Oid, Repository, Sort};
use pep440_rs::Version;
use regex::Regex;

use crate::source::Revision;

/// dunamai's `default-unprefixed` pattern: an optional `v`, an optional
/// epoch, dotted digits, an optional stage with a number, optional metadata.
static TAG_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^v?((?P<epoch>\d+)!)?(?P<base>\d+(\.\d+)*)([-._]?((?P<stage>[a-zA-Z]+)[-._]?(?P<revision>\d+)?))?(\+(?P<metadata>.+))?$",
    )
    .expect("tag pattern is a valid regex")
});

/// The versions dunamai accepts as PEP 440 after serializing.
static SERIALIZED_PEP440: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\d+!)?\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?(\+([a-zA-Z0-9]|[a-zA-Z0-9]{2}|[a-zA-Z0-9][a-zA-Z0-9.]+[a-zA-Z0-9]))?$",
    )
    .expect("PEP 440 pattern is a valid regex")
});

/// Parses a version the way Python's `packaging.version.Version` does
/// (`v` prefix and surrounding spaces allowed).
pub fn parse_version(text: &str) -> Option<Version> {
    Version::from_str(text.trim()).ok()
}

/// Returns the newest tag whose name is a PEP 440 version, skipping
/// pre-releases (`a`, `b`, `rc`, `.dev`) unless `prereleases` is set. Among
/// tags of equal version the first by name wins, as with Copier's stable
/// sort of `git ls-remote` output.
pub fn latest_tag(repo: &Repository, prereleases: bool) -> Result<Option<String>> {
    let mut tags: Vec<(String, Version)> = tag_names(repo)?
        .into_iter()
        .filter_map(|name| parse_version(&name).map(|version| (name, version)))
        .filter(|(_, version)| prereleases || !version.any_prerelease())
        .collect();
    tags.sort_by(|(_, left), (_, right)| right.cmp(left));
    Ok(tags.into_iter().next().map(|(name, _)| name))
}

/// Describes `commit` as Copier records it.
pub fn revision(repo: &Repository, commit: Oid) -> Result<Revision> {
    let describe = describe(repo, commit)?;
    let version = pep440_version(repo, commit, &describe)?;
    Ok(Revision {
        describe,
        sha: commit.to_string(),
        version,
    })
}

/// Returns what `git describe --tags --always` prints for `commit`: the
/// exact tag, `<tag>-<n>-g<abbrev>`, or the abbreviated commit id.
fn describe(repo: &Repository, commit: Oid) -> Result<String> {
    let object = repo.find_object(commit, None)?;
    let mut options = DescribeOptions::new();
    options.describe_tags().show_commit_oid_as_fallback(true);
    // Ask for the full id and shorten it here: libgit2 looks abbreviations
    // up by prefix, which the in-memory store of a dirty template's commit
    // does not support.
    let mut format = DescribeFormatOptions::new();
    format.abbreviated_size(40);
    let description = object
        .describe(&options)
        .and_then(|found| found.format(Some(&format)))
        .with_context(|| format!("failed to describe template commit {commit}"))?;
    let hex = commit.to_string();
    let short = short_id(repo, commit)?;
    if description == hex {
        return Ok(short);
    }
    match description.strip_suffix(&hex) {
        Some(tag_and_count) if tag_and_count.ends_with("-g") => {
            Ok(format!("{tag_and_count}{short}"))
        }
        _ => Ok(description),
    }
}

/// Derives the PEP 440 version of `commit` as Copier does with dunamai,
/// falling back on the describe output when dunamai's result is not a
/// valid version. `None` when neither gives a version.
pub fn pep440_version(repo: &Repository, commit: Oid, describe: &str) -> Result<Option<String>> {
    let short_sha = short_id(repo, commit)?;
    let serialized = match nearest_version_tag(repo, commit)? {
        Some(tag) => {
            let distance = count_commits(repo, commit, Some(tag.commit))?;
            serialize(&tag, distance, &short_sha)
        }
        None => {
            let distance = count_commits(repo, commit, None)?;
            let fallback = TagVersion {
                commit,
                epoch: None,
                base: "0.0.0".to_string(),
                stage: None,
                revision: None,
            };
            serialize(&fallback, distance, &short_sha)
        }
    };
    if let Some(version) = serialized.as_deref().and_then(parse_version) {
        return Ok(Some(version.to_string()));
    }
    Ok(describe_version(describe))
}

/// Copier's fallback: `<tag>-<n>-g<sha>` becomes `<tag>.post<n>+g<sha>`,
/// and a describe output that is itself a version is used as is.
fn describe_version(describe: &str) -> Option<String> {
    static DESCRIBE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(.+)-(\d+)-(g\w+)$").expect("valid regex"));
    let candidate = match DESCRIBE.captures(describe) {
        Some(parts) => format!("{}.post{}+{}", &parts[1], &parts[2], &parts[3]),
        None => describe.to_string(),
    };
    parse_version(&candidate).map(|version| version.to_string())
}

/// A tag that matched the version pattern, split as dunamai splits it.
#[derive(Debug)]
struct TagVersion {
    commit: Oid,
    epoch: Option<String>,
    base: String,
    stage: Option<String>,
    revision: Option<String>,
}

/// Finds the tag dunamai would use: among tags on ancestors of `commit`
/// (or on `commit`), the nearest in topological order, then the newest by
/// tagger date (commit date for lightweight tags), then by name; the first
/// that matches the version pattern.
///
/// NOTE: dunamai orders tags by `git log --topo-order
/// --simplify-by-decoration`; libgit2's topological walk is used here.
/// Both give the same order on linear histories, but tags on different
/// branches of a merge may be ordered differently.
fn nearest_version_tag(repo: &Repository, commit: Oid) -> Result<Option<TagVersion>> {
    let offsets = topological_offsets(repo, commit)?;
    let mut candidates = Vec::new();
    for name in tag_names(repo)? {
        let Ok(reference) = repo.find_reference(&format!("refs/tags/{name}")) else {
            continue;
        };
        let Ok(tagged) = reference.peel_to_commit() else {
            continue;
        };
        let Some(&offset) = offsets.get(&tagged.id()) else {
            continue;
        };
        let date = match reference.peel_to_tag() {
            Ok(tag) => tag
                .tagger()
                .map_or(tagged.time().seconds(), |t| t.when().seconds()),
            Err(_) => tagged.time().seconds(),
        };
        candidates.push((offset, Reverse(date), name, tagged.id()));
    }
    candidates.sort_by_key(|(offset, date, _, _)| (*offset, *date));
    Ok(candidates.into_iter().find_map(|(_, _, name, tagged)| {
        let parts = TAG_PATTERN.captures(&name)?;
        Some(TagVersion {
            commit: tagged,
            epoch: parts.name("epoch").map(|m| m.as_str().to_string()),
            base: parts["base"].to_string(),
            stage: parts.name("stage").map(|m| m.as_str().to_string()),
            revision: parts.name("revision").map(|m| m.as_str().to_string()),
        })
    }))
}

/// Serializes like dunamai's PEP 440 style, or `None` when the result is
/// not a version dunamai accepts (a stage other than a, b, rc, post, dev or
/// their long spellings).
fn serialize(tag: &TagVersion, distance: usize, short_sha: &str) -> Option<String> {
    let revision: Option<u64> = tag.revision.as_deref().and_then(|text| text.parse().ok());
    let (mut stage, mut post, mut dev) = (tag.stage.clone(), None, None);
    match tag.stage.as_deref() {
        Some("post") => (stage, post) = (None, revision),
        Some("dev") => (stage, dev) = (None, revision),
        _ => {}
    }
    if distance > 0 {
        let distance = distance as u64;
        match (post, dev) {
            (None, None) => (post, dev) = (Some(distance), Some(0)),
            (_, None) => dev = Some(distance),
            (_, Some(current)) => dev = Some(current + distance),
        }
    }
    let mut out = String::new();
    if let Some(epoch) = &tag.epoch {
        out.push_str(&format!("{epoch}!"));
    }
    out.push_str(&tag.base);
    if let Some(stage) = stage {
        let stage = stage.to_ascii_lowercase();
        let short = match stage.as_str() {
            "alpha" => "a",
            "beta" => "b",
            "c" | "pre" | "preview" => "rc",
            other => other,
        };
        out.push_str(&format!("{short}{}", revision.unwrap_or(0)));
    }
    if let Some(post) = post {
        out.push_str(&format!(".post{post}"));
    }
    if let Some(dev) = dev {
        out.push_str(&format!(".dev{dev}"));
    }
    if distance > 0 {
        out.push_str(&format!("+{short_sha}"));
    }
    SERIALIZED_PEP440.is_match(&out).then_some(out)
}

/// Tag names in reference order, as `git for-each-ref` lists them.
fn tag_names(repo: &Repository) -> Result<Vec<String>> {
    let mut names: Vec<String> = repo
        .tag_names(None)
        .context("failed to list the template's tags")?
        .iter()
        .filter_map(|name| name.ok().flatten().map(str::to_string))
        .collect();
    names.sort();
    Ok(names)
}

/// Positions of `commit` and its ancestors in a topological walk from it.
fn topological_offsets(
    repo: &Repository,
    commit: Oid,
) -> Result<std::collections::HashMap<Oid, usize>> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL)?;
    walk.push(commit)?;
    let mut offsets = std::collections::HashMap::new();
    for (position, oid) in walk.enumerate() {
        offsets.insert(oid?, position);
    }
    Ok(offsets)
}

/// Counts the commits reachable from `commit` and not from `since`, as
/// `git rev-list --count since..commit` does.
fn count_commits(repo: &Repository, commit: Oid, since: Option<Oid>) -> Result<usize> {
    let mut walk = repo.revwalk()?;
    walk.push(commit)?;
    if let Some(since) = since {
        walk.hide(since)?;
    }
    let mut count = 0;
    for oid in walk {
        oid?;
        count += 1;
    }
    Ok(count)
}

/// Abbreviates a commit id as `git log --format=%h` does: `abbrev_len`
/// characters, more when that prefix is ambiguous. A commit that only the
/// in-memory store holds is not found by prefix, so its prefix counts as
/// unique.
fn short_id(repo: &Repository, commit: Oid) -> Result<String> {
    let hex = commit.to_string();
    let odb = repo.odb()?;
    for length in abbrev_len(repo) as usize..hex.len() {
        let prefix = Oid::from_str(&hex[..length])?;
        match odb.exists_prefix(prefix, length) {
            Ok(_) => return Ok(hex[..length].to_string()),
            Err(error) if error.code() == git2::ErrorCode::NotFound => {
                return Ok(hex[..length].to_string());
            }
            Err(error) if error.code() == git2::ErrorCode::Ambiguous => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(hex)
}

/// Returns git's abbreviation length: `core.abbrev` when set to a number,
/// else git's automatic length, which grows with the number of objects in
/// pack files (loose objects are not counted): half the bit length of that
/// count rounded up, at least 7.
pub fn abbrev_len(repo: &Repository) -> u32 {
    if let Ok(config) = repo.config()
        && let Ok(value) = config.get_string("core.abbrev")
    {
        match value.to_ascii_lowercase().as_str() {
            "no" | "false" | "off" => return 40,
            "auto" => {}
            number => {
                if let Ok(length) = number.parse::<u32>() {
                    return length.clamp(4, 40);
                }
            }
        }
    }
    let count = packed_object_count(repo);
    let bits = if count == 0 {
        1
    } else {
        u64::BITS - count.leading_zeros()
    };
    bits.div_ceil(2).max(7)
}

/// Sums the object counts in the headers of the repository's pack indexes.
fn packed_object_count(repo: &Repository) -> u64 {
    let pack_folder = repo.commondir().join("objects").join("pack");
    let Ok(listing) = std::fs::read_dir(pack_folder) else {
        return 0;
    };
    listing
        .flatten()
        .filter(|item| item.path().extension().is_some_and(|ext| ext == "idx"))
        .filter_map(|item| std::fs::read(item.path()).ok())
        .map(|bytes| pack_index_count(&bytes))
        .sum()
}

/// Reads the object count of a pack index: the last entry of its fan-out
/// table, after the 8-byte header in version 2 indexes.
fn pack_index_count(bytes: &[u8]) -> u64 {
    let fanout_start = if bytes.starts_with(b"\xfftOc") { 8 } else { 0 };
    let last = fanout_start + 255 * 4;
    bytes.get(last..last + 4).map_or(0, |word| {
        u64::from(u32::from_be_bytes(word.try_into().expect("4 bytes")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(base: &str, stage: Option<&str>, revision: Option<&str>) -> TagVersion {
        TagVersion {
            commit: Oid::ZERO_SHA1,
            epoch: None,
            base: base.to_string(),
            stage: stage.map(str::to_string),
            revision: revision.map(str::to_string),
        }
    }

    #[test]
    fn serialize_exact_tag() {
        assert_eq!(
            serialize(&tag("1.2.0", None, None), 0, "abc1234").as_deref(),
            Some("1.2.0")
        );
    }

    #[test]
    fn serialize_after_tag() {
        assert_eq!(
            serialize(&tag("1.2.0", None, None), 3, "abc1234").as_deref(),
            Some("1.2.0.post3.dev0+abc1234")
        );
    }

    #[test]
    fn serialize_prerelease_after_tag() {
        assert_eq!(
            serialize(&tag("2.0.0", Some("a"), Some("1")), 1, "98447fe").as_deref(),
            Some("2.0.0a1.post1.dev0+98447fe")
        );
    }

    #[test]
    fn serialize_long_stage_names() {
        assert_eq!(
            serialize(&tag("1.0", Some("beta"), Some("2")), 0, "x").as_deref(),
            Some("1.0b2")
        );
        assert_eq!(
            serialize(&tag("1.0", Some("rc"), None), 0, "x").as_deref(),
            Some("1.0rc0")
        );
        assert_eq!(
            serialize(&tag("1.0", Some("post"), Some("2")), 0, "x").as_deref(),
            Some("1.0.post2")
        );
        assert_eq!(
            serialize(&tag("1.0", Some("dev"), Some("2")), 4, "abc1234").as_deref(),
            Some("1.0.dev6+abc1234")
        );
    }

    #[test]
    fn serialize_unknown_stage_rejected() {
        assert_eq!(serialize(&tag("1.0", Some("foo"), Some("1")), 0, "x"), None);
    }

    #[test]
    fn describe_fallback_forms() {
        assert_eq!(describe_version("release-3-gabc1234"), None);
        assert_eq!(
            describe_version("1.0-3-gabc1234").as_deref(),
            Some("1.0.post3+gabc1234")
        );
        assert_eq!(describe_version("v2.1").as_deref(), Some("2.1"));
    }

    #[test]
    fn versions_parse_like_packaging() {
        assert_eq!(
            parse_version("v1.0.0").map(|v| v.to_string()).as_deref(),
            Some("1.0.0")
        );
        assert!(parse_version("latest").is_none());
        assert!(parse_version("release-1").is_none());
        assert!(parse_version("2.0.0a1").is_some_and(|v| v.any_prerelease()));
        assert!(parse_version("2.0.0.dev1").is_some_and(|v| v.any_prerelease()));
        assert!(parse_version("2.0.0.post1").is_some_and(|v| !v.any_prerelease()));
    }

    #[test]
    fn pack_index_header_read() {
        let mut index = b"\xfftOc\x00\x00\x00\x02".to_vec();
        index.extend(std::iter::repeat_n(0u8, 255 * 4));
        index.extend(20005u32.to_be_bytes());
        assert_eq!(pack_index_count(&index), 20005);
    }
}
