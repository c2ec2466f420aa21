"""The printable (PDF) report: the Code's exact words, punctuation included, and the stamp."""
from __future__ import annotations

import re
import zlib

import pytest

from engine.printable import FONT_DIR, MARKER, to_pdf


def pdf_text(data: bytes) -> str:
    """The text a PDF shows, read back through each font's ToUnicode map.

    Enough for fpdf2's output (Type0 fonts, Identity-H, literal strings, Flate streams), so the
    test needs no PDF library.
    """
    objects = {int(m.group(1)): m.group(2)
               for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}

    def stream(body: bytes) -> bytes:
        raw = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S).group(1)
        return zlib.decompress(raw) if b"FlateDecode" in body else raw

    def cmap(number: int) -> dict[int, str]:
        text = stream(objects[number]).decode("latin-1")
        table: dict[int, str] = {}
        for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
            for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                table[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
            for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                start = int(dst, 16)
                for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    table[code] = chr(start + i)
        return table

    fonts: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        resources = re.search(rb"/Font\s*<<(.*?)>>", body, re.S)
        for name, number in re.findall(rb"/(F\d+)\s+(\d+) 0 R", resources.group(1) if resources else b""):
            unicode_ref = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(number)])
            fonts[name] = cmap(int(unicode_ref.group(1)))

    def literal(s: bytes) -> bytes:
        out, i = bytearray(), 0
        escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
        while i < len(s):
            c = s[i]
            if c == 0x5C:  # backslash
                nxt = s[i + 1]
                octal = re.match(rb"[0-7]{1,3}", s[i + 1:i + 4])
                if octal:
                    out.append(int(octal.group(0), 8))
                    i += 1 + len(octal.group(0))
                    continue
                out.append(escapes.get(nxt, nxt))
                i += 2
                continue
            out.append(c)
            i += 1
        return bytes(out)

    lines = []
    token = re.compile(rb"/(F\d+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
    for body in objects.values():
        if b"/Contents" in body or b"stream" not in body or b"/Type /Page" in body:
            continue
        try:
            content = stream(body)
        except zlib.error:
            continue
        font: dict[int, str] = {}
        for m in token.finditer(content):
            if m.group(1):
                font = fonts.get(m.group(1), {})
            elif font:
                raw = literal(m.group(2))
                lines.append("".join(font.get(int.from_bytes(raw[i:i + 2], "big"), "?")
                                     for i in range(0, len(raw), 2)))
    return "\n".join(lines)


FOOTER = re.compile(r"NACM Code of Ethics decision support, rules version \S+ \(\w+\)"
                    r"(, exported [\d-]+ [\d:]+ UTC)? · page \d+/ ?\d+")


def flat(text: str) -> str:
    """The text as one line, without the page footers a page break puts inside a sentence."""
    return " ".join(FOOTER.sub(" ", " ".join(text.split())).split())


@pytest.fixture(scope="module")
def secret_abuse_report(advisor):
    return advisor.evaluate({"suspected_abuse": True, "victim_group": "child", "asked_to_keep_secret": True})


def test_the_pdf_prints_the_codes_exact_words_with_its_punctuation(secret_abuse_report, rulebase):
    data = to_pdf(secret_abuse_report, rulebase)
    assert data.startswith(b"%PDF-")
    text = flat(pdf_text(data))
    for commitment in secret_abuse_report.commitments:
        assert flat(commitment.text) in text, commitment.number
    assert "–" in next(c.text for c in secret_abuse_report.commitments if c.number == 19)


def test_every_commitment_with_typographic_punctuation_prints_it(advisor, rulebase):
    """Each commitment whose text has ’ – “ or ”, reached through an example beside a rule citing it."""
    fancy = [c for c in rulebase.code.commitments if set(c.text) & set("’–“”")]
    assert fancy
    for commitment in fancy:
        example = next((ex for rule in rulebase.rules for ex in rule.fires
                        if any(c.kind == "commitment" and c.number == commitment.number for c in rule.cites)),
                       None)
        if example is None:
            continue
        report = advisor.evaluate(dict(example))
        assert commitment.number in report.commitment_numbers
        assert flat(commitment.text) in flat(pdf_text(to_pdf(report, rulebase))), commitment.number


def test_the_pdf_keeps_the_reports_order_and_disclaimer(secret_abuse_report, rulebase):
    text = flat(pdf_text(to_pdf(secret_abuse_report, rulebase)))
    assert flat(secret_abuse_report.disclaimer) in text
    first_action = secret_abuse_report.actions[0]
    assert first_action.urgency == "immediate"
    assert text.index("Act now") < text.index(flat(secret_abuse_report.disclaimer)) < text.index("IMMEDIATE")
    assert text.index("IMMEDIATE") < text.index("Commitments that govern")
    assert text.index(first_action.label) < text.index("Commitments that govern")
    for action in secret_abuse_report.actions:
        assert action.label in text


def test_the_pdf_is_stamped_with_title_version_and_date(secret_abuse_report, rulebase):
    text = flat(pdf_text(to_pdf(secret_abuse_report, rulebase, title="Home visit – a child’s bruise",
                                stamp="exported 2025-03-01 10:00 UTC")))
    assert "Home visit – a child’s bruise" in text
    assert f"rules version {secret_abuse_report.version} ({secret_abuse_report.sha256[:12]})" in text
    assert "exported 2025-03-01 10:00 UTC" in text


def test_a_report_with_nothing_at_stake_still_prints(advisor):
    text = flat(pdf_text(to_pdf(advisor.evaluate({}), advisor.rulebase)))
    assert "No action is recommended" in text and "(none given)" in text


def test_long_reports_break_across_pages(advisor, rulebase):
    facts = {f.id: True for f in rulebase.input_facts if f.type == "bool" and not f.ask_if}
    data = to_pdf(advisor.evaluate(facts), rulebase)
    assert len(re.findall(rb"/Type /Page\b(?!s)", data)) >= 2
    assert "page 2/" in pdf_text(data)


def test_the_font_is_bundled_in_the_repository():
    assert (FONT_DIR / "DejaVuSans.ttf").is_file() and (FONT_DIR / "DejaVuSans-Bold.ttf").is_file()
    assert (FONT_DIR / "LICENSE.txt").is_file()


@pytest.fixture()
def every_log_record():
    """Every log record created anywhere in the process, whatever handlers and levels say."""
    import logging

    created: list[logging.LogRecord] = []
    factory = logging.getLogRecordFactory()

    def recording(*args, **kwargs):
        record = factory(*args, **kwargs)
        created.append(record)
        return record

    logging.setLogRecordFactory(recording)
    root_level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        yield created
    finally:
        logging.setLogRecordFactory(factory)
        logging.getLogger().setLevel(root_level)


TYPED = "Visit at 田中 with 🧒"
SECRETS = ("田", "中", "🧒", "\\u7530", "\\U0001f9d2", "7530", "1f9d2", "1F9D2")


def test_fpdf_on_its_own_would_log_what_the_person_typed(every_log_record):
    """The hazard is real: fpdf2 logs each character its font lacks, quoted."""
    from fpdf import FPDF
    import logging

    logging.getLogger("fpdf").setLevel(logging.NOTSET)
    try:
        pdf = FPDF()
        pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_page()
        pdf.set_font("DejaVu", "", 10)
        pdf.cell(0, 5, TYPED)
        pdf.output()
    finally:
        logging.getLogger("fpdf").setLevel(logging.CRITICAL + 1)
    assert any("田" in r.getMessage() for r in every_log_record)


def test_a_title_the_font_cannot_print_leaves_no_trace_in_any_log(secret_abuse_report, rulebase, every_log_record):
    data = to_pdf(secret_abuse_report, rulebase, title=TYPED)
    messages = [r.getMessage() for r in every_log_record]
    assert not [m for m in messages if any(s in m for s in SECRETS)], messages
    text = flat(pdf_text(data))
    assert f"Visit at {MARKER}{MARKER} with {MARKER}" in text  # a visible marker where each was
    assert f"3 characters of this report could not be printed with the bundled font and are shown as {MARKER}" in text
    assert "the Markdown and JSON downloads keep every character as written" in text


def test_every_script_the_font_has_prints_exactly(secret_abuse_report, rulebase):
    title = "Ελληνικά, Русский, Հայերեն, עברית, ქართული – ½ €"
    text = flat(pdf_text(to_pdf(secret_abuse_report, rulebase, title=title)))
    assert title in text and MARKER not in text and "could not be printed" not in text


def test_fonts_are_parsed_once_per_process(secret_abuse_report, rulebase, monkeypatch):
    from fpdf import fonts

    to_pdf(secret_abuse_report, rulebase)
    to_pdf(secret_abuse_report, rulebase, title="Ελληνικά")  # both cuts of the font now parsed
    parsed = []
    real = fonts.TTFFont.__init__
    monkeypatch.setattr(fonts.TTFFont, "__init__", lambda self, *a, **k: parsed.append(a) or real(self, *a, **k))
    for title in (None, "Ελληνικά", "A title"):
        assert to_pdf(secret_abuse_report, rulebase, title=title).startswith(b"%PDF-")
    assert parsed == []


def test_pdfs_made_at_once_on_many_threads_are_each_whole(secret_abuse_report, rulebase):
    from concurrent.futures import ThreadPoolExecutor

    titles = [f"Report {i} – Ελληνικά" if i % 2 else f"Report {i}" for i in range(8)]
    with ThreadPoolExecutor(4) as pool:
        documents = list(pool.map(lambda t: to_pdf(secret_abuse_report, rulebase, title=t), titles))
    for title, data in zip(titles, documents):
        assert title in flat(pdf_text(data))


def test_long_words_and_line_breaks_wrap_inside_the_page(secret_abuse_report, rulebase):
    title = "A" * 300 + " and\nthen " + "b" * 20
    text = pdf_text(to_pdf(secret_abuse_report, rulebase, title=title))
    assert "".join(text.split())[:300] == "A" * 300
