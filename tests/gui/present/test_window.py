"""Trainer mode: stepping through a chain with the keys a clicker sends,
switching its defences with number keys, the next chain, the story, and
back to editing as it was."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

MCAFEE_END = "as-capabilities"


def _present(window, chain=None, **kwargs):
    presentation = window.workbench.present(chain, full_screen=False, **kwargs)
    presentation.resize(1280, 720)
    return presentation


def _colours(image: QImage) -> int:
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), 11)
            for y in range(0, image.height(), 9)
        }
    )


def test_f5_presents_the_highlighted_chain_step_by_step(flagship):
    wb = flagship.workbench
    wb.session.set_highlight("C12")
    p = _present(flagship)
    chain = p.current_chain()
    assert chain.id == "C12" and p.step == 0
    view = p.chain_view()
    assert view.current.id == chain.nodes[0] and view.broken_at is None
    for key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_Return):
        QTest.keyClick(p, key)
    assert p.step == 4
    QTest.keyClick(p, Qt.Key.Key_PageUp)
    QTest.keyClick(p, Qt.Key.Key_Left)
    assert p.step == 2
    QTest.keyClick(p, Qt.Key.Key_End)
    assert p.step == len(chain.nodes) - 1
    QTest.keyClick(p, Qt.Key.Key_PageDown)  # not in a story: stays on the last step
    assert p.step == len(chain.nodes) - 1
    QTest.keyClick(p, Qt.Key.Key_Home)
    assert p.step == 0
    assert _colours(p.grab().toImage()) > 30


def test_number_keys_switch_the_chains_defences(flagship):
    wb = flagship.workbench
    session = wb.session
    p = _present(flagship, "C12")
    view = p.chain_view()
    assert [d.id for d in view.defences[: len(p.current_chain().broken_by)]] == list(
        p.current_chain().broken_by
    )
    first = view.defences[0]
    assert not first.on
    QTest.keyClick(p, Qt.Key.Key_1)
    assert session.overrides == {first.id: True}
    view = p.chain_view()
    assert view.defences[0].on and not view.chain.open
    assert view.broken_at == min(first.blocks)
    assert "BROKEN" in _painted_state(p)
    QTest.keyClick(p, Qt.Key.Key_1)
    assert session.overrides == {}
    QTest.keyClick(p, Qt.Key.Key_2)
    QTest.keyClick(p, Qt.Key.Key_0)
    assert session.overrides == {}
    assert session.wait()
    assert p.chain_view().chain.open


def _painted_state(p) -> str:
    view = p.chain_view()
    broken = view.broken_at is not None or not view.chain.open
    return "BROKEN" if broken else "OPEN"


def test_clicking_a_defence_switches_it(flagship):
    p = _present(flagship, "C12")
    p.grab()  # lays out the hit areas
    hit = next(h for h in p._hits if h.action == "defence" and h.value == 1)
    QTest.mouseClick(p, Qt.MouseButton.LeftButton, pos=hit.rect.center().toPoint())
    assert flagship.workbench.session.overrides
    step_hit = next(h for h in p._hits if h.action == "step" and h.value == 3)
    QTest.mouseClick(p, Qt.MouseButton.LeftButton, pos=step_hit.rect.center().toPoint())
    assert p.step == 3


def test_n_and_p_go_through_the_chains_table(flagship):
    wb = flagship.workbench
    wb.chains.open_only.setChecked(True)
    open_ids = [c.id for c in wb.session.analysis.chains if c.open]
    p = _present(flagship, open_ids[0])
    QTest.keyClick(p, Qt.Key.Key_N)
    assert p.current_chain().id == open_ids[1] and p.step == 0
    QTest.keyClick(p, Qt.Key.Key_N)
    QTest.keyClick(p, Qt.Key.Key_P)
    assert p.current_chain().id == open_ids[1]


def test_the_story_plays_mcafee_then_talos_then_the_releases(flagship):
    wb = flagship.workbench
    session = wb.session
    p = _present(flagship)
    QTest.keyClick(p, Qt.Key.Key_S)
    assert [s.title.split(":")[0] for s in p.scenes] == [
        "McAfee ATR",
        "Cisco Talos",
        "The /proc/thread-self/mem bypass",
        "Release by release",
    ]
    assert session.wait()
    assert session.profile == "physical-access" and session.at_release == "20.06"
    mcafee = p.current_chain()
    assert mcafee.nodes[0] == "preprod-account" and mcafee.nodes[-1] == MCAFEE_END
    assert mcafee.open
    for _ in range(len(mcafee.nodes)):
        QTest.keyClick(p, Qt.Key.Key_PageDown)  # past the last step: the next scene
    assert p.scene_index == 1 and p.step == 0
    assert session.wait() and session.profile == "compromised-app"
    talos = p.current_chain()
    assert talos.nodes[0] == "compromised-app" and "uid-map-duplicate" in talos.nodes
    QTest.keyClick(p, Qt.Key.Key_PageUp)  # before the first step: the McAfee chain's last
    assert p.scene_index == 0 and p.step == len(mcafee.nodes) - 1
    QTest.keyClick(p, Qt.Key.Key_N)
    QTest.keyClick(p, Qt.Key.Key_N)  # next chain in a story: the next scene
    assert p.scene_index == 2 and not p.releases
    assert session.wait() and session.at_release == "20.07"
    bypass = p.current_chain()
    assert "proc-thread-self-mem" in bypass.nodes and not bypass.open
    QTest.keyClick(p, Qt.Key.Key_N)
    assert p.scene_index == 3 and p.releases
    assert session.wait()
    for _ in range(200):  # the timeline is computed in the background
        if session.timeline:
            break
        QTest.qWait(50)
    assert p.step_count() == len(flagship.document.model.releases)
    view = p.release_view()
    assert view.current.release == "20.06"
    QTest.keyClick(p, Qt.Key.Key_Right)
    view = p.release_view()
    assert view.current.release == "20.07" and view.current.open_chains == 0
    assert view.current.closed_chains
    assert _colours(p.grab().toImage()) > 20


def _until(condition, rounds: int = 2000) -> None:
    from PySide6.QtWidgets import QApplication

    while not condition() and rounds:
        QApplication.processEvents()
        rounds -= 1


def test_escape_returns_to_editing_as_it_was(flagship):
    wb = flagship.workbench
    session = wb.session
    session.set_release("20.08")
    session.switch("secure-boot", False)
    assert session.wait()
    p = _present(flagship, story=True)
    assert session.wait() and session.at_release == "20.06" and session.overrides == {}
    QTest.keyClick(p, Qt.Key.Key_3)
    presented = set(p.current_chain().nodes)
    QTest.keyClick(p, Qt.Key.Key_Escape)
    assert not p.isVisible() and wb.presentation is None
    assert session.profile is None and session.at_release == "20.08"
    assert session.overrides == {"secure-boot": False}
    assert session.wait()
    chain = session.highlighted_chain()
    assert chain is None or set(chain.nodes) == presented


def test_themes_and_the_blank_screen(flagship):
    p = _present(flagship, "C12")
    light = p.grab().toImage().pixel(5, 5)
    QTest.keyClick(p, Qt.Key.Key_T)
    assert p.dark
    dark = p.grab().toImage().pixel(5, 5)
    assert light != dark
    QTest.keyClick(p, Qt.Key.Key_B)
    assert p.blank and _colours(p.grab().toImage()) == 1
    QTest.keyClick(p, Qt.Key.Key_Right)  # any key brings it back, and does nothing else
    assert not p.blank and p.step == 0


def test_a_chain_that_is_not_listed_says_so(flagship):
    wb = flagship.workbench
    p = _present(flagship, "C69")  # McAfee's, through the pre-production account
    wb.session.set_profile("compromised-app")  # no physical access: not a chain any more
    assert wb.session.wait()
    assert p.current_chain() is None and p.chain_view() is None
    assert p._why_nothing()[0] == "This chain is not listed here"
    assert _colours(p.grab().toImage()) > 3
