"""Golden tests of the archive-format Markdown extension: source in, HTML out."""

from __future__ import annotations

import textwrap

import pytest
from markdown import Markdown

from app.markup.kbtext import KBTextExtension


def render(source: str, code_url=None) -> str:
    extension = KBTextExtension(code_url=code_url) if code_url else KBTextExtension()
    return Markdown(extensions=[extension]).convert(textwrap.dedent(source).strip("\n"))


GOLDEN = [
    pytest.param(
        """\
        When you try to log on to Exchange Server with Outlook Express using Secure
        Password Authentication, you may see the following error messages.
        """,
        "<p>When you try to log on to Exchange Server with Outlook Express using Secure "
        "Password Authentication, you may see the following error messages.</p>",
        id="paragraph-reflowed",
    ),
    pytest.param(
        """\
        1. On the Tools menu, click Accounts. This will bring up several tabs.

        2. If you select any listed mail account, the properties will have a Servers tab
          with the "Log on using" option.

        3. Select the Clear Text option.
        """,
        "<ol>\n<li>On the Tools menu, click Accounts. This will bring up several tabs.</li>\n"
        "<li>If you select any listed mail account, the properties will have a Servers tab "
        "with the \"Log on using\" option.</li>\n<li>Select the Clear Text option.</li>\n</ol>",
        id="numbered-steps",
    ),
    pytest.param(
        """\
        5. Restart the computer.
        6. Log on again.
        """,
        '<ol start="5">\n<li>Restart the computer.</li>\n<li>Log on again.</li>\n</ol>',
        id="steps-keep-their-start",
    ),
    pytest.param(
        """\
          * Unable to logon to the server.
          * Account: 'Company POP3 Server',
          Protocol: POP3
        - a dash item
        """,
        "<ul>\n<li>Unable to logon to the server.</li>\n"
        "<li>Account: 'Company POP3 Server', Protocol: POP3</li>\n<li>a dash item</li>\n</ul>",
        id="bullets",
    ),
    pytest.param(
        """\
        Application event log error:

          13005 MSExchange Pop3 Authentication
          Logon attempt by NTDomian\\User has failed:
        """,
        "<p>Application event log error:</p>\n<pre>13005 MSExchange Pop3 Authentication\n"
        "Logon attempt by NTDomian\\User has failed:</pre>",
        id="indented-block-keeps-lines",
    ),
    pytest.param(
        """\
        Steps to Reproduce Behavior
        ---------------------------

        Run the sample.
        """,
        "<h3>Steps to Reproduce Behavior</h3>\n<p>Run the sample.</p>",
        id="dash-underlined-subheading",
    ),
    pytest.param(
        """\
        Use <NT Domain\\Account> & *not* the `alias`: <script>alert(1)</script>
        """,
        "<p>Use &lt;NT Domain\\Account&gt; &amp; *not* the `alias`: "
        "&lt;script&gt;alert(1)&lt;/script&gt;</p>",
        id="text-is-never-markup",
    ),
]


@pytest.mark.parametrize(("source", "expected"), GOLDEN)
def test_golden_html(source: str, expected: str) -> None:
    assert render(source) == expected


def test_error_codes_become_links_through_code_url() -> None:
    html = render("Server Error: 0x800ccc90, see below.", code_url=lambda code: f"/codes/{code}")
    assert html == (
        '<p>Server Error: <a class="code" href="/codes/0x800CCC90">0x800ccc90</a>, see below.</p>'
    )


def test_code_url_returning_none_leaves_plain_text() -> None:
    assert render("Error 0x800ccc90", code_url=lambda code: None) == "<p>Error 0x800ccc90</p>"


def test_framed_text_table_keeps_its_lines() -> None:
    html = render("""\
        +------+---------+
        | CODE | Error   |
        +------+---------+
        | 600  | PENDING |
        """)
    assert html.startswith("<pre>+------+---------+\n| CODE | Error   |")


def test_aligned_columns_are_a_table_and_their_rule_is_no_heading() -> None:
    html = render("""\
        Program name       Program filename
        ------------       ----------------
        Stacker            STACKER.COM
        """)
    assert "<h3>" not in html
    assert html.startswith("<pre>Program name       Program filename\n------------")
