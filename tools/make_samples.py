#!/usr/bin/env python3
"""make_samples.py - writes the generated sample exchange logs of logs/.

The clean quarter (logs/q1-2015.xml), the hash-chained log (logs/chained.xml) and the
two-file stream (logs/stream-part1.xml, logs/stream-part2.xml) are generated here so that
seq numbers are consecutive and every digest is computed, never typed by hand. The hash
chain is exchange-log.md's:

    canon(n)  = local-name "\n" + for each attribute except digest, sorted by name
                (bytewise): name "=" value "\n"
    digest(n) = lowercase hex SHA-256(digest(n-1) + canon(n)),
    digest(0) = the root's chain-seed, or 64 "0".

Usage: tools/make_samples.py [LOGS_DIR]   (default: the logs/ directory of the repo)
The hand-written samples (findings.xml, malformed.xml) are not touched.
"""
import hashlib
import os
import sys
from xml.sax.saxutils import quoteattr

NS = "urn:accord:exchange-log:1"
# Attribute order in the written files (the digest does not depend on it).
ORDER = ["seq", "id", "time", "from", "to", "item", "originator", "topic", "level",
         "decision", "request", "approval", "priority", "digest"]


def canon(kind, attrs):
    """The canonical form of an entry: the bytes its digest covers."""
    text = kind + "\n"
    for name in sorted((n for n in attrs if n != "digest"), key=lambda n: n.encode()):
        text += name + "=" + attrs[name] + "\n"
    return text.encode("utf-8")


def chain(entries, seed):
    """Adds a digest to every entry, continuing from `seed`; returns the last digest."""
    prev = seed
    for kind, attrs, _note in entries:
        prev = hashlib.sha256(prev.encode() + canon(kind, attrs)).hexdigest()
        attrs["digest"] = prev
    return prev


def number(entries, first_seq):
    for i, (_kind, attrs, _note) in enumerate(entries):
        attrs["seq"] = str(first_seq + i)


def write(path, entries, root_attrs, comment, comments=None):
    """Writes a log; comments[i], when given, is written above entry i."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<!-- %s -->" % comment]
    root = " ".join("%s=%s" % (k, quoteattr(v)) for k, v in root_attrs)
    lines.append('<exchange-log xmlns="%s" %s>' % (NS, root))
    for i, (kind, attrs, note) in enumerate(entries):
        if comments and i in comments:
            lines.append("")
            lines.extend("  <!-- %s -->" % c for c in comments[i].split("\n"))
        names = sorted(attrs, key=lambda n: ORDER.index(n))
        head = "  <%s" % kind
        pad = " " * len(head)
        parts = ["%s=%s" % (n, quoteattr(attrs[n])) for n in names]
        # Wrap long tags over several lines, as recorders do.
        out, line = [], head
        for p in parts:
            if len(line) + 1 + len(p) > 96:
                out.append(line)
                line = pad
            line += " " + p
        if note:
            out.append(line + ">")
            out.append("    <note>%s</note>" % note)
            out.append("  </%s>" % kind)
        else:
            out.append(line + "/>")
        lines.extend(out)
    lines.append("</exchange-log>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def req(i, t, frm, topic, note=None):
    return ("request", {"id": i, "time": t, "from": frm, "to": "US", "topic": topic}, note)


def provide(i, t, frm, item, topic, level, note=None):
    return ("transfer", {"id": i, "time": t, "from": frm, "to": "US", "item": item,
                         "originator": frm, "topic": topic, "level": level}, note)


def approve(i, t, frm, to, item, decision, note=None):
    return ("approval", {"id": i, "time": t, "from": frm, "to": to, "item": item,
                         "decision": decision}, note)


def relay(i, t, to, item, orig, topic, level, request, approval, note=None):
    return ("transfer", {"id": i, "time": t, "from": "US", "to": to, "item": item,
                         "originator": orig, "topic": topic, "level": level,
                         "request": request, "approval": approval}, note)


def q1_2015():
    return [
        req("R-15-001", "2015-01-05T09:12:00Z", "JP", "nk-missile",
            "Tokyo asks for the January launch telemetry"),
        provide("T-15-001", "2015-01-06T08:00:00Z", "KR", "I-15-007", "nk-missile", "SECRET"),
        approve("A-15-001", "2015-01-06T10:00:00Z", "KR", "JP", "I-15-007", "granted"),
        relay("T-15-002", "2015-01-06T12:00:00Z", "JP", "I-15-007", "KR", "nk-missile", "SECRET",
              "R-15-001", "A-15-001"),
        req("R-15-002", "2015-01-12T07:30:00Z", "KR", "nk-nuclear"),
        provide("T-15-003", "2015-01-14T15:20:00Z", "JP", "I-15-011", "nk-nuclear",
                "CONFIDENTIAL"),
        approve("A-15-002", "2015-01-15T09:00:00Z", "JP", "KR", "I-15-011", "granted"),
        relay("T-15-004", "2015-01-15T13:45:00Z", "KR", "I-15-011", "JP", "nk-nuclear",
              "CONFIDENTIAL", "R-15-002", "A-15-002"),
        provide("T-15-005", "2015-01-21T06:10:00Z", "KR", "I-15-019", "nk-missile", "TOP-SECRET"),
        approve("A-15-003", "2015-01-22T08:00:00Z", "KR", "JP", "I-15-019", "denied",
                "Seoul declines to release the source report"),
        req("R-15-003", "2015-02-02T10:00:00Z", "JP", "nk-nuclear"),
        provide("T-15-006", "2015-02-03T11:00:00Z", "KR", "I-15-023", "nk-nuclear", "SECRET"),
        approve("A-15-004", "2015-02-04T09:30:00Z", "KR", "JP", "I-15-023", "granted"),
        relay("T-15-007", "2015-02-04T16:00:00Z", "JP", "I-15-023", "KR", "nk-nuclear", "SECRET",
              "R-15-003", "A-15-004"),
        approve("A-15-005", "2015-02-10T08:00:00Z", "KR", "JP", "I-15-007", "revoked",
                "Seoul withdraws the release of I-15-007: no further relay of it"),
        provide("T-15-008", "2015-02-16T09:00:00Z", "JP", "I-15-031", "nk-missile", "SECRET"),
        req("R-15-004", "2015-02-17T07:00:00Z", "KR", "nk-missile"),
        approve("A-15-006", "2015-02-18T10:00:00Z", "JP", "KR", "I-15-031", "granted"),
        relay("T-15-009", "2015-02-18T14:30:00Z", "KR", "I-15-031", "JP", "nk-missile", "SECRET",
              "R-15-004", "A-15-006"),
        provide("T-15-010", "2015-03-02T05:00:00Z", "KR", "I-15-040", "nk-missile",
                "CONFIDENTIAL"),
        approve("A-15-007", "2015-03-03T09:00:00Z", "KR", "JP", "I-15-040", "granted"),
        relay("T-15-011", "2015-03-03T12:00:00Z", "JP", "I-15-040", "KR", "nk-missile",
              "CONFIDENTIAL", "R-15-001", "A-15-007",
              "answers Tokyo's January request (still within 180 days)"),
        req("R-15-005", "2015-03-09T08:00:00Z", "JP", "nk-missile"),
        provide("T-15-012", "2015-03-16T10:00:00Z", "JP", "I-15-044", "nk-nuclear", "TOP-SECRET"),
        approve("A-15-008", "2015-03-17T09:00:00Z", "JP", "KR", "I-15-044", "granted"),
        relay("T-15-013", "2015-03-17T15:00:00Z", "KR", "I-15-044", "JP", "nk-nuclear",
              "TOP-SECRET", "R-15-002", "A-15-008"),
        provide("T-15-014", "2015-03-25T07:45:00Z", "KR", "I-15-052", "nk-missile", "SECRET"),
        approve("A-15-009", "2015-03-26T08:00:00Z", "KR", "JP", "I-15-052", "granted"),
        relay("T-15-015", "2015-03-26T11:30:00Z", "JP", "I-15-052", "KR", "nk-missile", "SECRET",
              "R-15-005", "A-15-009"),
        req("R-15-006", "2015-03-30T09:00:00Z", "KR", "nk-nuclear"),
    ]


def chained():
    return [
        req("R-15-101", "2015-04-01T08:00:00Z", "JP", "nk-missile"),
        provide("T-15-101", "2015-04-02T09:30:00Z", "KR", "I-15-101", "nk-missile", "SECRET"),
        approve("A-15-101", "2015-04-02T11:00:00Z", "KR", "JP", "I-15-101", "granted"),
        relay("T-15-102", "2015-04-02T15:00:00Z", "JP", "I-15-101", "KR", "nk-missile", "SECRET",
              "R-15-101", "A-15-101"),
        req("R-15-102", "2015-04-06T07:15:00Z", "KR", "nk-nuclear"),
        provide("T-15-103", "2015-04-07T10:00:00Z", "JP", "I-15-102", "nk-nuclear",
                "CONFIDENTIAL"),
        approve("A-15-102", "2015-04-07T12:00:00Z", "JP", "KR", "I-15-102", "granted"),
        relay("T-15-104", "2015-04-07T16:30:00Z", "KR", "I-15-102", "JP", "nk-nuclear",
              "CONFIDENTIAL", "R-15-102", "A-15-102"),
    ]


def stream():
    return [
        req("R-15-201", "2015-05-04T08:00:00Z", "KR", "nk-missile"),
        provide("T-15-201", "2015-05-05T09:00:00Z", "JP", "I-15-201", "nk-missile", "SECRET"),
        approve("A-15-201", "2015-05-05T10:00:00Z", "JP", "KR", "I-15-201", "granted"),
        req("R-15-202", "2015-05-11T07:00:00Z", "JP", "nk-nuclear"),
        provide("T-15-202", "2015-05-12T08:30:00Z", "KR", "I-15-202", "nk-nuclear", "SECRET"),
        # Part 2 begins here: its relays rely on requests, transfers and approvals of part 1.
        relay("T-15-203", "2015-05-13T09:00:00Z", "KR", "I-15-201", "JP", "nk-missile", "SECRET",
              "R-15-201", "A-15-201", "relays an item provided and approved in part 1"),
        approve("A-15-202", "2015-05-13T11:00:00Z", "KR", "JP", "I-15-202", "granted"),
        relay("T-15-204", "2015-05-13T15:00:00Z", "JP", "I-15-202", "KR", "nk-nuclear", "SECRET",
              "R-15-202", "A-15-202"),
        req("R-15-203", "2015-05-20T08:00:00Z", "KR", "nk-nuclear"),
    ]


def findings():
    """One entry (or two) per finding code; returns (entries, comments by index)."""
    e, c = [], {}

    def add(entry, comment=None):
        if comment:
            c[len(e)] = comment
        e.append(entry)

    add(req("R-16-001", "2015-06-01T08:00:00Z", "JP", "nk-missile"),
        "Clean entries that later ones rely on: a request, a provided item and its approval.")
    add(provide("T-16-001", "2015-06-02T09:00:00Z", "KR", "I-16-001", "nk-missile", "SECRET"))
    add(approve("A-16-001", "2015-06-02T10:00:00Z", "KR", "JP", "I-16-001", "granted"))
    add(provide("T-16-002", "2015-06-03T09:00:00Z", "KR", "I-16-002", "other", "CONFIDENTIAL"),
        "[forbidden] rule art1-scope forbids a transfer on topic 'other' (art3-provide would\n"
        "permit it, so there is no not-permitted); it also breaks invariant scope [invariant].")
    add(("transfer", {"id": "T-16-003", "time": "2015-06-04T09:00:00Z", "from": "KR", "to": "JP",
                      "item": "I-16-001", "originator": "KR", "topic": "nk-missile",
                      "level": "SECRET"}, None),
        "[not-permitted] a direct Korea-to-Japan transfer: no permit rule matches. It also\n"
        "breaks invariant no-direct [invariant].")
    add(provide("T-16-004", "2015-06-05T09:00:00Z", "KR", "I-16-004", "nk-missile", "SECRET"))
    add(("transfer", {"id": "T-16-005", "time": "2015-06-05T12:00:00Z", "from": "US", "to": "JP",
                      "item": "I-16-004", "originator": "KR", "topic": "nk-missile",
                      "level": "SECRET", "request": "R-16-001"}, None),
        "[invariant] the US relays KR's item I-16-004 to Japan without an approval from Korea:\n"
        "invariant mutual-approval breaks (and rule art3-relay does not apply: not-permitted).")
    add(req("R-16-002", "2015-06-31T09:00:00Z", "JP", "nk-nuclear"),
        "[schema] there is no 31 June: the time is not a valid UTC time. The entry is not\n"
        "judged (it gets only its format findings).")
    add(("request", {"id": "R-16-003", "time": "2015-06-08T09:00:00Z", "from": "KR", "to": "US",
                     "topic": "nk-nuclear", "priority": "urgent"}, None),
        "[schema] an attribute the format does not define (priority): reported, and the entry\n"
        "is still judged (it is permitted).")
    add(req("R-16-004", "2015-06-09T09:00:00Z", "CN", "nk-missile"),
        "[unknown-value] CN is not a party of TISA-2014.")
    add(req("R-16-001", "2015-06-10T09:00:00Z", "KR", "nk-nuclear"),
        "[duplicate-id] the id R-16-001 was already used by the first entry.")
    add(req("R-16-005", "2015-06-11T09:00:00Z", "KR", "nk-missile"),
        "[seq-gap] seq jumps from 11 to 13: an entry is missing before this one.")
    add(("transfer", {"id": "T-16-006", "time": "2015-06-12T09:00:00Z", "from": "US", "to": "JP",
                      "item": "I-16-001", "originator": "KR", "topic": "nk-missile",
                      "level": "SECRET", "request": "R-16-999", "approval": "A-16-001"}, None),
        "[dangling-ref] request=\"R-16-999\" names no earlier request (the relay itself is\n"
        "permitted: its facts come from the entries, not from the references).")
    add(req("R-16-006", "2015-06-15T09:00:00Z", "JP", "nk-missile"),
        "[chain-break] this entry was edited after it was recorded (its topic was\n"
        "nk-missile): its digest no longer matches. The next entry is not affected.")
    add(approve("A-16-002", "2015-06-16T09:00:00Z", "KR", "JP", "I-16-009", "granted"))
    add(("transfer", {"id": "T-16-007", "time": "2015-06-16T12:00:00Z", "from": "US", "to": "JP",
                      "item": "I-16-009", "originator": "KR", "topic": "nk-missile",
                      "level": "SECRET"}, None),
        "[assumption] with logs/findings-assume.accord applied, `assume held` says that Korea\n"
        "approves only items it has provided: I-16-009 was approved but never provided to\n"
        "the US (a warning). Under either rule set the relay is not permitted (received is\n"
        "false): [not-permitted].")
    return e, c


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "logs")
    root = [("accord", "TISA-2014"), ("recorder", "US-DoD")]

    q1 = q1_2015()
    number(q1, 1)
    write(os.path.join(out, "q1-2015.xml"), q1, root,
          "A clean quarter of exchanges under TISA-2014: `accord audit` finds nothing. "
          "Generated by tools/make_samples.py.")

    seed = hashlib.sha256(b"TISA-2014 exchange log, US-DoD, 2015-Q2").hexdigest()
    ch = chained()
    number(ch, 101)
    head = chain(ch, seed)
    write(os.path.join(out, "chained.xml"), ch, root + [("chain-seed", seed)],
          "A hash-chained log (exchange-log.md): each digest covers the entry and the digest "
          "before it. Last digest (the value to publish as chain head): %s. Generated by tools/make_samples.py."
          % head)

    st = stream()
    number(st, 201)
    seed2 = hashlib.sha256(b"TISA-2014 exchange log, US-DoD, 2015-05").hexdigest()
    head2 = chain(st, seed2)
    write(os.path.join(out, "stream-part1.xml"), st[:5], root + [("chain-seed", seed2)],
          "Part 1 of a two-file stream: audit it with stream-part2.xml "
          "as one stream, in this order. "
          "Generated by tools/make_samples.py.")
    write(os.path.join(out, "stream-part2.xml"), st[5:], root,
          "Part 2 of a two-file stream: seq, ids, facts and the hash chain continue from "
          "stream-part1.xml. Last digest (the value to publish as chain head): %s. "
          "Generated by tools/make_samples.py." % head2)

    write_findings(out)


def write_findings(out):
    entries, comments = findings()
    number(entries, 1)
    gap = next(i for i, x in enumerate(entries) if x[1]["id"] == "R-16-005")
    for x in entries[gap:]:
        x[1]["seq"] = str(int(x[1]["seq"]) + 1)
    seed = hashlib.sha256(b"findings.xml").hexdigest()
    chain(entries, seed)
    edited = next(x for x in entries if x[1]["id"] == "R-16-006")
    edited[1]["topic"] = "nk-nuclear"
    write(os.path.join(out, "findings.xml"), entries,
          [("accord", "TISA-2014"), ("recorder", "US-DoD"), ("chain-seed", seed)],
          "One example of each finding code but malformed (see logs/malformed.xml), each "
          "explained in the comment above it. Audit it with the default rules, and with "
          "the amendment that adds an assumption: accord audit -r rules/tisa-2014.accord "
          "-r logs/findings-assume.accord logs/findings.xml. Generated by tools/make_samples.py.",
          comments)


if __name__ == "__main__":
    main()
