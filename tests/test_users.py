"""The users file of a shared install and password checks (ui/users.py)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from ui.users import (
    USERS_VAR, SignInRefused, Throttle, UsersError, check_password, hash_password, load_directory, users_path,
)
from tests.support.users import PASSWORD, write_users


@pytest.fixture()
def people(tmp_path):
    return load_directory(write_users(tmp_path / "users.toml"))


def test_the_users_file_gives_each_person_a_name_and_a_role(people):
    ana = people.get("ANA ")
    assert (ana.username, ana.name, ana.role, ana.role_words) == ("ana", "Ana Case", "case_manager", "Case manager")
    assert ana.signature == "Ana Case (ana)"
    assert [u.username for u in people.with_role("supervisor")] == ["sue"]


def test_a_right_password_signs_in_and_a_wrong_one_or_an_unknown_name_says_the_same(people):
    throttle = Throttle()
    assert check_password(people, "ana", PASSWORD, throttle).username == "ana"
    with pytest.raises(SignInRefused) as wrong:
        check_password(people, "ana", "guess", throttle)
    with pytest.raises(SignInRefused) as unknown:
        check_password(people, "nobody", PASSWORD, throttle)
    assert str(wrong.value) == str(unknown.value) == "the user name or the password is not right"


def test_repeated_wrong_passwords_lock_the_name_for_a_while(people):
    throttle = Throttle(allowed=3, window_s=60)
    for _ in range(3):
        with pytest.raises(SignInRefused):
            check_password(people, "ben", "guess", throttle)
    with pytest.raises(SignInRefused, match="too many"):
        check_password(people, "ben", PASSWORD, throttle)  # even the right one, until the window passes
    assert check_password(people, "ana", PASSWORD, throttle).username == "ana"


@pytest.mark.parametrize("text, says", [
    ('[users.ana]\nrole = "admin"\npassword = "$argon2id$x"\n', "users.ana.role: 'admin' is not a role"),
    ('[users.ana]\nrole = "trainer"\npassword = "plain text"\n', "users.ana.password: not an Argon2 hash"),
    ('[users.ana]\nrole = "trainer"\n', "needs a password hash, or an email"),
    ('[users.ana]\nrole = "trainer"\npassword = "$argon2id$x"\nrol = "x"\n', "unknown key 'rol'"),
    ('[users."Ana Case"]\nrole = "trainer"\npassword = "$argon2id$x"\n', "a user name is lower-case"),
    ('[people.ana]\n', "unknown section 'people'"),
    ('', "no users"),
    ('[users.ana\n', "not valid TOML"),
    ('[users.a]\nrole = "trainer"\nemail = "x@y"\n[users.b]\nrole = "trainer"\nemail = "X@y"\n', "the same email"),
])
def test_a_users_file_that_cannot_be_used_is_refused_in_one_line_naming_the_file(tmp_path, text, says):
    path = tmp_path / "users.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsersError) as caught:
        load_directory(path)
    assert says in str(caught.value) and str(path) in str(caught.value) and "\n" not in str(caught.value)
    assert "$argon2id$x" not in str(caught.value)


def test_a_missing_users_file_is_named(tmp_path):
    with pytest.raises(UsersError, match=f"{USERS_VAR} names .*does not exist"):
        load_directory(tmp_path / "none.toml")


def test_the_install_is_shared_only_when_the_variable_is_set():
    assert users_path({}) is None and users_path({USERS_VAR: "  "}) is None
    assert str(users_path({USERS_VAR: "/etc/nacm/users.toml"})) == "/etc/nacm/users.toml"


def test_an_email_entry_is_found_for_an_identity_providers_sign_in(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text('[users.sue]\nname = "Sue"\nrole = "supervisor"\nemail = "Sue@Agency.example"\n', encoding="utf-8")
    people = load_directory(path)
    assert people.by_email("sue@agency.example").username == "sue" and people.by_email("x@y") is None
    with pytest.raises(SignInRefused):  # no password: only the identity provider signs Sue in
        check_password(people, "sue", "", Throttle())


def test_the_hash_command_prints_a_line_for_the_users_file():
    code = ("import getpass, sys; answers = iter(['a long password', 'a long password']);"
            " getpass.getpass = lambda prompt='': next(answers); from ui.users import main; sys.exit(main(['hash']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    assert line.startswith('password = "$argon2id$') and "a long password" not in line
    assert hash_password("x") != hash_password("x")  # salted
