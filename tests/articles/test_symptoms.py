"""A symptom option says what a person sees or was doing. An opening that leads to the
message is offered as "An error message appears when ...", but only where the clause
names something a person does or sees: never a set-up ("if SiteMinder is installed on
the server"), a cause ("if there are more than nine functions"), what a program does
inside, or an opening cut where its cue was. Articles are written in tmp_path and read
through the real index, as the wizard reads them."""

from __future__ import annotations

import pytest

from tests.conftest import KB, archive_article


def opening(number: int, text: str) -> str:
    return archive_article(number, f"Problem {number}", f"""\
        SYMPTOMS
        ========

        {text}

          The operation could not be completed.
        """)


OPENINGS = {
    # What a person does, and what a person sees where no person is named: offered.
    "Q300101": ("When you start Windows NT 4.0, you may receive the following error message:",
                ["An error message appears when you start Windows NT 4.0."]),
    "Q300102": ("When your Windows NT 4.0 Server starts, the following error message appears:",
                ["An error message appears when your Windows NT 4.0 Server starts."]),
    "Q300103": ("When double-clicking an attachment, the following error message may occur:",
                ["An error message appears when double-clicking an attachment."]),
    "Q300104": ("You have a Conner DAT tape device and after about 30 seconds your backup "
                "program returns a hardware error.",
                ["You have a Conner DAT tape device and after about 30 seconds your backup "
                 "program returns a hardware error."]),
    # A set-up, a cause, what a program does inside: nothing a person sees or does.
    "Q300111": ("If Netegrity SiteMinder is installed on the server, you may receive the "
                "following error message:", []),
    "Q300112": ("If there are more than nine functions in your SQL statement, you receive the "
                "following error message:", []),
    "Q300113": ("If you have a Western Digital controller card, you receive the following "
                "error message:", []),
    "Q300114": ("When your computer resolves a name that you entered as a CNAME in DNS, the "
                "following error message appears:", []),
    "Q300115": ("You are using WINS for name resolution.", []),
    # Up to two lines where it opens on what the person does; a long fact is no symptom.
    "Q300131": ("When you switch between the Direct3D and Glide display settings in Microsoft "
                "Fighter Ace version 2.0, the game may stop responding (hang).",
                ["When you switch between the Direct3D and Glide display settings in "
                 "Microsoft Fighter Ace version 2.0, the game may stop responding (hang)."]),
    "Q300132": ("The TCP/IP stack for Windows NT 3.5 does not allow the change of the "
                "ArpCacheLife for an entry in the address resolution protocol (ARP) cache.", []),
    # Advice is not what happens.
    "Q300116": ("If the mouse does not work in Windows, you should verify that it works at "
                "the MS-DOS level.", []),
    # Cut where the cue was: "encounters" what? "while using" what?
    "Q300121": ("When a .asp file encounters an error, the following standard HTTP 500 error "
                "message is displayed:", []),
    "Q300123": ("When you install Microsoft Cluster Server, you may observe the following "
                "error message:", []),
    "Q300122": ("When you print a schedule while using one of the following printer drivers, "
                "the print dialog box does not appear:", []),
}


@pytest.fixture(scope="module")
def offered(tmp_path_factory):
    world = KB.of(tmp_path_factory.mktemp("symptoms"),
                  {key: opening(int(key[1:]), text) for key, (text, _) in OPENINGS.items()})
    found = world.source().facts(list(OPENINGS))
    yield {key: [v.label for v in found[key].values["symptom"].values()] for key in found}
    world.close()


@pytest.mark.parametrize("article", sorted(OPENINGS))
def test_a_symptom_option_says_what_a_person_does_or_sees(offered, article):
    assert offered[article] == OPENINGS[article][1]
