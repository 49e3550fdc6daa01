#!/usr/bin/env python3
"""csv_slips.py: the differential test of p2p-ingest's CSV reading against
Python's csv module (tests/e2e/t1012-csv-differential.sh runs it).

  csv_slips.py gen DIR COUNT SEED   write DIR/fNNNNN.csv, small encounters
                                    files with 1-3 quoting slips each, and
                                    DIR/intended.json (each row's line and
                                    whether it was slipped)
  csv_slips.py check DIR DB KEYHEX  compare the database p2p-ingest made
                                    from them with Python's reading; print
                                    one "name=value" per counter and, on
                                    stderr, the first mismatches

The slips are the three of the issue "Trust at the edges": a space after a
closing quote ("Lisboa" ,), text after it ("Lisboa"x), a space before an
opening quote ( "Lisboa"). For contrast the files also hold what must load
as Python reads it: quotes inside unquoted fields (5" Lisboa), quoted
commas, doubled quotes and line breaks, spaces around unquoted text, blank
lines, LF or CRLF line ends. Client codes are QZ + 6 digits + K: nothing
else in the files has a Q or a Z, and a keyed hash (lower-case hex) never
does, so a raw code is found by searching for it.
"""
import csv
import hashlib
import json
import os
import random
import re
import sqlite3
import sys

HEADER = ["encounter_id", "date", "country", "site", "setting", "worker_id",
          "worker_type", "client_code", "sex"]
SITES = ["Lisboa", "Porto Norte", "Faro, Sul", "Setúbal", "Évora-1", "a \"quoted\" site", "a \"quoted\", site",
         "Porto\nNorte", "two\nline\nbreaks", '5" Lisboa', "Lis\"boa", " Braga",
         "Braga ", "Gdańsk; port", "Αθήνα"]
SETTINGS = ["street", "nightlife", "shelter", "drop_in", "online"]
SLIPS = ["space after closing quote", "text after closing quote",
         "space before opening quote"]
SLIP_COLUMNS = ["encounter_id", "site", "setting", "worker_id", "client_code", "sex"]
REASONS = ("text after closing quote", "space before opening quote",
           "quoted field runs on to line")


def quote(v):
    """The field as RFC 4180 writes it: quoted when it must be, or by chance
    (a quote inside an unquoted field is left as it is: it is literal)."""
    if any(c in v for c in ",\n\r") or v.startswith('"') or v.startswith(' "'):
        return '"' + v.replace('"', '""') + '"'
    return v


def slipped(v, kind, rnd):
    q = '"' + v.replace('"', '""') + '"'
    if kind == 0:
        return q + " "
    if kind == 1:
        return q + rnd.choice(["x", "-2", " x", "é"])
    return rnd.choice([" ", "  ", "\t"]) + q


def gen_file(rnd, fno):
    """Rows of one file: (text, [{id, line, slip or None, code}]). A slipped
    row has one slip, now and then two."""
    eol = rnd.choice(["\n", "\r\n"])
    nrows = rnd.randint(4, 12)
    slipped_rows = set(rnd.sample(range(nrows), rnd.randint(1, min(3, nrows))))
    out = [",".join(HEADER) + eol]
    line = 2
    rows = []
    for r in range(nrows):
        if rnd.random() < 0.1:
            out.append(eol)                     # a blank line
            line += 1
        vals = {
            "encounter_id": f"F{fno}E{r}",
            "date": f"2020-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            "country": rnd.choice(["PT", "GR", "LT"]),
            "site": rnd.choice(SITES).replace("\n", eol),
            "setting": rnd.choice(SETTINGS),
            "worker_id": f"W{rnd.randint(1, 40)}",
            "worker_type": rnd.choice(["peer", "professional"]),
            "client_code": "" if rnd.random() < 0.1 else f"QZ{rnd.randint(0, 999999):06d}K",
            "sex": rnd.choice(["female", "male"]),
        }
        fields = [quote(vals[c]) for c in HEADER]
        slip = None
        if r in slipped_rows:
            # Slips go on fields of one line: a slip after a quoted line
            # break is read as a quote left open (csvsource.h).
            cols = [c for c in SLIP_COLUMNS if "\n" not in vals[c] and "\r" not in vals[c]]
            for col in rnd.sample(cols, 2 if rnd.random() < 0.2 else 1):
                kind = rnd.randrange(3)
                fields[HEADER.index(col)] = slipped(vals[col], kind, rnd)
                slip = (slip + ", " if slip else "") + f"{SLIPS[kind]} in {col}"
        text = ",".join(fields) + eol
        out.append(text)
        rows.append({"id": vals["encounter_id"], "line": line, "slip": slip,
                     "code": vals["client_code"]})
        line += text.count("\n") + text.count("\r") - text.count("\r\n")
    return "".join(out), rows


def gen(d, count, seed):
    rnd = random.Random(seed)
    os.makedirs(d, exist_ok=True)
    intended = {}
    for f in range(count):
        text, rows = gen_file(rnd, f)
        name = f"f{f:05d}.csv"
        with open(os.path.join(d, name), "w", encoding="utf-8", newline="") as fp:
            fp.write(text)
        intended[name] = rows
    with open(os.path.join(d, "intended.json"), "w") as fp:
        json.dump(intended, fp)


def python_records(path):
    """Python's reading: {start line: record}."""
    recs = {}
    with open(path, encoding="utf-8", newline="") as fp:
        rd = csv.reader(fp)
        start = 1
        for rec in rd:
            if rec:
                recs[start] = rec
            start = rd.line_num + 1
    return recs


def check(d, db, keyhex):
    key = bytes.fromhex(keyhex)
    with open(os.path.join(d, "intended.json")) as fp:
        intended = json.load(fp)
    con = sqlite3.connect(db)
    loaded = {}
    for row in con.execute(
            "SELECT s.path, e.line, e.encounter_id, e.date, e.country, e.site, e.setting, "
            "e.worker_id, e.worker_type, e.client_code, e.sex "
            "FROM encounters e JOIN source_files s USING (file_id)"):
        loaded[(os.path.basename(row[0]), row[1])] = list(row[2:])
    rejected = {}
    for path, line, reason in con.execute(
            "SELECT s.path, r.line, r.reason FROM rejects r JOIN source_files s USING (file_id)"):
        rejected.setdefault((os.path.basename(path), line), []).append(reason)
    n = dict(files=len(intended), rows=0, slipped=0, loaded_ok=0, rejected_ok=0, lost=0,
             mismatched=0, wrongly_rejected=0, wrongly_loaded=0, extra=0,
             python_disagrees=0, raw_codes=0)
    notes = []
    codes = set()
    for name, rows in sorted(intended.items()):
        py = python_records(os.path.join(d, name))
        if sorted(py) != [1] + [r["line"] for r in rows]:
            n["python_disagrees"] += 1
            notes.append(f"{name}: Python reads records at lines {sorted(py)}")
        for r in rows:
            n["rows"] += 1
            key_ = (name, r["line"])
            if r["code"]:
                codes.add(r["code"])
            got, rej = loaded.pop(key_, None), rejected.pop(key_, None)
            if r["slip"]:
                n["slipped"] += 1
                if rej and len(rej) == 1 and rej[0].startswith(REASONS) and not got:
                    n["rejected_ok"] += 1
                elif got:
                    n["wrongly_loaded"] += 1
                    notes.append(f"{name}:{r['line']}: {r['slip']}, loaded as {got}")
                elif rej:
                    n["mismatched"] += 1
                    notes.append(f"{name}:{r['line']}: {r['slip']}, rejected for {rej}")
                else:
                    n["lost"] += 1
                    notes.append(f"{name}:{r['line']}: {r['slip']}: neither loaded nor rejected")
                continue
            want = dict(zip(HEADER, py.get(r["line"], [])))
            if not got:
                n["wrongly_rejected" if rej else "lost"] += 1
                notes.append(f"{name}:{r['line']}: clean row {'rejected: ' + str(rej) if rej else 'lost'}")
                continue
            code = want.get("client_code", "")
            expect = [want.get(c) for c in HEADER[:7]] + [
                hashlib.blake2b(code.encode(), key=key, digest_size=32).hexdigest()
                if code else None, want.get("sex")]
            if got == expect and len(want) == len(HEADER):
                n["loaded_ok"] += 1
            else:
                n["mismatched"] += 1
                notes.append(f"{name}:{r['line']}: loaded {got}, Python reads {expect}")
    n["extra"] = len(loaded) + len(rejected)
    for k in list(loaded)[:3] + list(rejected)[:3]:
        notes.append(f"{k[0]}:{k[1]}: a row nobody wrote")
    # No code raw: not in the database's bytes, nor in any text column.
    blob = b""
    for suffix in ("", "-wal", "-journal"):
        if os.path.exists(db + suffix):
            with open(db + suffix, "rb") as fp:
                blob += fp.read()
    text = []
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in con.execute(f"SELECT * FROM {table}"):
            text.extend(str(v) for v in row if isinstance(v, str))
    found = {m.decode() for m in re.findall(rb"QZ[0-9]{6}K", blob)}
    found |= set(re.findall(r"QZ[0-9]{6}K", "\n".join(text)))
    for c in sorted(found & codes):
        n["raw_codes"] += 1
        notes.append(f"client code {c} stored raw")
    for k, v in n.items():
        print(f"{k}={v}")
    for note in notes[:20]:
        print(note, file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) == 5 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
