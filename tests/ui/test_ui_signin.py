"""A shared install (NACM_ETHICS_USERS) through the app: sign in, the pages of each role, and two
people who cannot see each other's records, whatever page or widget they use."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ui.storage import Store, Viewer
from tests.support.users import PASSWORD, write_users

from conftest import APP, answer, unescape

GIFT = {"gift_offered": True}


@pytest.fixture()
def users(tmp_path, monkeypatch, db_path):
    path = write_users(tmp_path / "users.toml")
    monkeypatch.setenv("NACM_ETHICS_USERS", str(path))
    return path


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def signed_in(username: str, password: str = PASSWORD) -> AppTest:
    at = ok(AppTest.from_file(APP, default_timeout=60).run())
    assert [t.value for t in at.title] == ["Sign in"]
    at.text_input(key="signin.username").input(username)
    at.text_input(key="signin.password").input(password)
    return ok(at.button(key="FormSubmitter:signin.form-Sign in").click().run())


def texts(at: AppTest) -> str:
    return unescape("\n".join(m.value for m in at.markdown))


def test_before_signing_in_only_sign_in_join_and_about_are_reached(users):
    at = ok(AppTest.from_file(APP, default_timeout=60).run())
    assert [t.value for t in at.title] == ["Sign in"]
    for page in ("views/review.py", "views/consult.py", "views/classes.py", "views/feedback.py", "views/train.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)  # not in the navigation at all: no URL reaches it
    ok(at.switch_page("views/about.py").run())
    ok(at.switch_page("views/join.py").run())
    assert [t.value for t in at.title] == ["Join a class"]


def test_a_wrong_password_is_refused_and_nothing_of_it_is_kept(users):
    at = signed_in("ana", "not the password")
    assert any("not right" in e.value for e in at.error)
    assert [t.value for t in at.title] == ["Sign in"]
    assert "signin.password" not in at.session_state and "signin.user" not in at.session_state


def test_a_case_manager_saves_and_shares_and_another_case_manager_sees_none_of_it(users, db_path, rulebase):
    ana = signed_in("ana")
    assert any("Signed in as **Ana Case**" in m.value for m in ana.sidebar.markdown)
    answer(ana, rulebase, GIFT)
    ok(ana.button(key="consult.advise").click().run())
    ana.text_input(key="consult.title").input("Ana's gift at a home visit")
    ana.multiselect(key="consult.share").set_value(["sue"])
    ok(ana.run())
    assert not any(w.key == "you.name" for w in ana.text_input)  # who saves is who signed in
    ok(ana.button(key="consult.save").click().run())
    assert any("Saved as consultation #" in s.value for s in ana.success)
    [saved] = Store(db_path, signed_in=True).consultations(viewer=Viewer("ana", "case_manager"))
    assert (saved.owner, saved.author) == ("ana", "Ana Case (ana)")

    ben = signed_in("ben")
    ok(ben.switch_page("views/review.py").run())
    assert any("No consultation has been saved yet" in i.value for i in ben.info)
    assert "Ana's gift" not in texts(ben)

    sue = signed_in("sue")
    ok(sue.switch_page("views/review.py").run())
    assert any(unescape(s.value) == "Ana's gift at a home visit" for s in sue.header)
    assert not any(e.label == "Delete this consultation" for e in sue.expander)  # hers to review, Ana's to delete


def test_a_widget_set_to_someone_elses_id_reaches_nothing(users, db_path):
    store = Store(db_path, signed_in=True)
    bens = store.save("Ben's own", GIFT, "1", "a" * 64, author="Ben Case (ben)", viewer=Viewer("ben", "case_manager"))
    anas = store.save("Ana's own", GIFT, "1", "a" * 64, author="Ana Case (ana)", viewer=Viewer("ana", "case_manager"))
    ana = signed_in("ana")
    ana.session_state["review.pick"] = bens  # as if the browser had sent Ben's id for the "Open" widget
    ok(ana.switch_page("views/review.py").run())
    assert ana.selectbox(key="review.pick").options == [f"#{anas} · {store.get(anas, viewer=Viewer('ana')).created_at[:10]} · Ana's own"]
    assert "Ben's own" not in texts(ana) and not any("Ben's own" in unescape(s.value) for s in ana.header)
    assert any(unescape(s.value) == "Ana's own" for s in ana.header)


def test_each_role_reaches_the_pages_of_its_work(users):
    ana = signed_in("ana")
    for page in ("views/classes.py", "views/feedback.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            ana.switch_page(page)  # a case manager runs no class, and reads no one else's feedback
    ok(ana.switch_page("views/train.py").run())
    assert not any(b.key == "train.facilitate" for b in ana.button)  # nor reads the facilitator's notes
    tia = signed_in("tia")
    ok(tia.switch_page("views/classes.py").run())
    assert [t.value for t in tia.title] == ["Class sessions"]
    ok(tia.switch_page("views/train.py").run())
    assert any(b.key == "train.facilitate" for b in tia.button)
    sue = signed_in("sue")
    ok(sue.switch_page("views/feedback.py").run())
    assert [t.value for t in sue.title] == ["Advice feedback"]


def test_a_trainers_sessions_are_theirs_alone(users, db_path, library):
    scenario = library.scenarios[0]
    tia = signed_in("tia")
    ok(tia.switch_page("views/classes.py").run())
    tia.multiselect(key="classes.scenarios").set_value([scenario.id]).run()
    ok(tia.button(key="classes.open").click().run())
    code = tia.session_state["classes.code"]
    assert not any("Your trainer key" in c.value for c in tia.caption)  # signed in, the session is simply hers
    store = Store(db_path, signed_in=True)
    assert store.trainer_class(code, Viewer("tia", "trainer")) is not None
    assert store.trainer_class(code, Viewer("tom", "trainer")) is None


def test_signing_out_forgets_the_session(users):
    ana = signed_in("ana")
    ok(ana.sidebar.button(key="signin.out").click().run())
    assert [t.value for t in ana.title] == ["Sign in"]
    assert "signin.user" not in ana.session_state


def test_a_users_file_that_cannot_be_used_is_an_error_card_and_nobody_gets_in(tmp_path, monkeypatch, db_path):
    bad = tmp_path / "users.toml"
    bad.write_text('[users.ana]\nrole = "admin"\npassword = "x"\n', encoding="utf-8")
    monkeypatch.setenv("NACM_ETHICS_USERS", str(bad))
    at = ok(AppTest.from_file(APP, default_timeout=60).run())
    [card] = at.error
    assert "Sign-in is configured but cannot be used" in card.value and "is not a role" in unescape(card.value)
    assert not at.text_input


def test_a_trainer_reads_the_feedback_on_the_advice_without_whose_or_on_what(users, db_path):
    store = Store(db_path, signed_in=True)
    ana = Viewer("ana", "case_manager")
    cid = store.save("Ana's gift", GIFT, "1", "a" * 64, author="Ana Case (ana)", viewer=ana)
    store.set_feedback(cid, "decline_gift", "not_applicable", "Ana Case (ana)", reason="Agency allows tokens.",
                       rules=("gifts.token",), viewer=ana)
    tia = signed_in("tia")
    ok(tia.switch_page("views/feedback.py").run())
    page = texts(tia)
    assert "**1 judgements**." in page and "consultations" not in page.split("judgements**")[1].split("\n")[0]
    assert "Agency allows tokens." in page and "Ana" not in page
