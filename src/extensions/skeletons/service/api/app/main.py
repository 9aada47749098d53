"""Notes API of {{ name }}: notes kept in SQLite under `DATA_DIR`."""

import os
import sqlite3
from pathlib import Path

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI(title="{{ title }}")


class NoteIn(BaseModel):
    text: str


class Note(NoteIn):
    id: int


def connect() -> sqlite3.Connection:
    data_dir = Path(os.environ.get("DATA_DIR", "/data"))
    data_dir.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(data_dir / "notes.db")
    connection.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    return connection


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "healthy"}


@app.get("/api/notes")
def list_notes() -> list[Note]:
    with connect() as connection:
        rows = connection.execute("SELECT id, text FROM notes ORDER BY id").fetchall()
    return [Note(id=row[0], text=row[1]) for row in rows]


@app.post("/api/notes", status_code=201)
def add_note(note: NoteIn) -> Note:
    with connect() as connection:
        cursor = connection.execute("INSERT INTO notes (text) VALUES (?)", (note.text,))
    return Note(id=cursor.lastrowid, text=note.text)
