"""Every validation rule of the catalog: the bad input, the exact message and the line it points at."""

from __future__ import annotations

import pytest

from tests._catalog_helpers import ACCOUNT, one_problem, problems_of


def test_a_toml_syntax_error_names_its_line_and_column() -> None:
    problem = one_problem('[defaults]\nregion = "eu-west-1\n')
    assert problem.startswith("cat.toml:2: TOML syntax: column ")
    assert problem.endswith("— fix the syntax at that position")


def test_an_account_id_that_is_not_twelve_digits_is_reported_on_its_line() -> None:
    problem = one_problem('[[accounts]]\nname = "x"\nid = "12345"\n')
    assert problem == (
        "cat.toml:3: accounts[x].id: '12345' is not a 12-digit account id — "
        'write the id as a quoted string of 12 digits, e.g. "123456789012"'
    )


def test_an_account_id_written_as_a_number_is_asked_to_be_quoted() -> None:
    problem = one_problem('[[accounts]]\nname = "x"\nid = 12345678901\n')
    assert problem == (
        'cat.toml:3: accounts[x].id: is a number — quote it: id = "012345678901" (a number loses leading zeros)'
    )


def test_a_missing_account_name_is_reported() -> None:
    assert one_problem('[[accounts]]\nid = "123456789012"\n') == (
        'cat.toml:1: accounts[1].name: is missing — add name = "a-short-name" (used in role references)'
    )


@pytest.mark.parametrize(
    ("name", "path", "expected"),
    [
        (
            "Bad Name",
            "/",
            "'Bad Name' is not a valid role name — use 1-64 characters from letters, digits and + = , . @ _ -",
        ),
        ("R", "ops/", "'ops/' is not a valid IAM path — start and end the path with '/', e.g. \"/ops/\""),
        (
            "R" * 40,
            "/" + "p" * 30 + "/",
            "path and name together are 71 characters — keep path+name within 64 characters (the console's switch-role limit)",
        ),
    ],
)
def test_role_names_and_paths_follow_the_iam_charset_and_the_64_character_limit(
    name: str, path: str, expected: str
) -> None:
    problem = one_problem(ACCOUNT + f'[[accounts.roles]]\nname = "{name}"\npath = "{path}"\n')
    assert problem.startswith("cat.toml:6: accounts[shared-data].roles[")
    assert problem.endswith(expected)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"13h"', '13h (46800 s) is outside 15m..12h — choose between "15m" and "12h"'),
        ("600", '10m (600 s) is outside 15m..12h — choose between "15m" and "12h"'),
        ('"an hour"', "'an hour' is not a duration"),
        ("true", "expected a duration like"),
    ],
)
def test_durations_must_be_readable_and_within_fifteen_minutes_and_twelve_hours(value: str, message: str) -> None:
    problem = one_problem(ACCOUNT + f'[[accounts.roles]]\nname = "R"\nduration = {value}\n')
    assert problem.startswith("cat.toml:7: accounts[shared-data].roles[R].duration: ")
    assert message in problem


@pytest.mark.parametrize("value", ['"1h"', '"90m"', "3600", '"1h30m"', '"12h"', '"15m"'])
def test_durations_accept_hours_minutes_and_seconds(value: str) -> None:
    from tests._catalog_helpers import catalog_of

    catalog_of(ACCOUNT + f'[[accounts.roles]]\nname = "R"\nduration = {value}\n')


def test_a_session_name_template_with_spaces_is_refused() -> None:
    assert one_problem('[defaults]\nsession_name = "{user} admin"\n') == (
        "cat.toml:2: defaults.session_name: has characters a session name cannot hold — "
        "use letters, digits and + = , . @ _ - (no spaces)"
    )


def test_a_session_name_template_with_an_unknown_placeholder_is_refused() -> None:
    assert one_problem('[defaults]\nsession_name = "{email}"\n') == (
        "cat.toml:2: defaults.session_name: unknown placeholder {email} — use {user}, {account} or {role}"
    )


def test_an_external_id_outside_the_sts_charset_is_refused_without_echoing_it() -> None:
    problem = one_problem(ACCOUNT + '[[accounts.roles]]\nname = "R"\nexternal_id = "has spaces in it"\n')
    assert problem == (
        "cat.toml:7: accounts[shared-data].roles[R].external_id: the ExternalId is not valid — "
        "use 2-1224 characters from letters, digits and + = , . @ : / _ -"
    )
    assert "has spaces" not in problem


def test_a_source_identity_starting_with_aws_is_refused() -> None:
    problem = one_problem(ACCOUNT + '[[accounts.roles]]\nname = "R"\nsource_identity = "aws:me"\n')
    assert problem.endswith("'aws:me' starts with 'aws:' — choose a source identity that does not start with 'aws:'")


def test_a_transitive_tag_key_must_be_one_of_the_session_tags() -> None:
    problem = one_problem(
        ACCOUNT
        + '[[accounts.roles]]\nname = "R"\nsession_tags = { team = "data" }\ntransitive_tag_keys = ["project"]\n'
    )
    assert problem == (
        "cat.toml:8: accounts[shared-data].roles[R].transitive_tag_keys: transitive tag key 'project' is not one "
        "of the session tags — add 'project' to session_tags or remove it here"
    )


def test_more_than_fifty_session_tags_are_refused() -> None:
    tags = ", ".join(f"k{i} = 'v'" for i in range(51))
    problem = one_problem(ACCOUNT + f'[[accounts.roles]]\nname = "R"\nsession_tags = {{ {tags} }}\n')
    assert problem.endswith("session_tags: 51 session tags — AWS allows at most 50 session tags")


def test_a_fido_security_key_is_refused_because_assume_role_needs_a_six_digit_code() -> None:
    problem = one_problem('[defaults]\nmfa_serial = "arn:aws:iam::123456789012:u2f/user/deepak/key-ABC"\n')
    assert "is a FIDO/U2F security key, which AssumeRole cannot use (it has no 6-digit code)" in problem
    assert problem.startswith("cat.toml:2: defaults.mfa_serial: ")


def test_a_malformed_mfa_device_arn_is_refused() -> None:
    problem = one_problem('[defaults]\nmfa_serial = "arn:aws:iam::1234:mfa/x"\n')
    assert problem.endswith("is not an MFA device ARN — write it as arn:aws:iam::123456789012:mfa/NAME")


def test_mfa_true_without_a_default_device_says_where_to_set_one() -> None:
    problem = one_problem(ACCOUNT + '[[accounts.roles]]\nname = "R"\nmfa = true\n')
    assert problem == (
        "cat.toml:7: accounts[shared-data].roles[R].mfa: needs an MFA device but [defaults] has no mfa_serial — "
        "set mfa_serial here or in [defaults]"
    )


def test_via_must_name_an_existing_role_and_suggests_the_closest() -> None:
    problem = one_problem(
        ACCOUNT + '[[accounts.roles]]\nname = "Jump"\n[[accounts.roles]]\nname = "Target"\nvia = "shared-data/Jmp"\n'
    )
    assert problem == (
        "cat.toml:9: shared-data/Target.via: no role 'shared-data/Jmp' in the catalog — did you mean 'shared-data/Jump'?"
    )


def test_a_chain_cycle_is_reported() -> None:
    problems = problems_of(
        ACCOUNT
        + '[[accounts.roles]]\nname = "A"\nvia = "shared-data/B"\n[[accounts.roles]]\nname = "B"\nvia = "222222222222/A"\n'
    )
    assert problems == [
        "cat.toml:7: shared-data/A.via: chain cycle: shared-data/A -> shared-data/B -> shared-data/A — break the cycle: one role must use base credentials",
        "cat.toml:10: shared-data/B.via: chain cycle: shared-data/B -> shared-data/A -> shared-data/B — break the cycle: one role must use base credentials",
    ]


def test_a_chained_role_asking_more_than_one_hour_is_flagged() -> None:
    problem = one_problem(
        ACCOUNT
        + '[[accounts.roles]]\nname = "Jump"\n[[accounts.roles]]\nname = "T"\nvia = "shared-data/Jump"\nduration = "2h"\n'
    )
    assert problem == (
        "cat.toml:10: accounts[shared-data].roles[T].duration: 2h exceeds the 1 h limit of chained roles "
        '(via shared-data/Jump) — use duration = "1h" or less: AWS caps sessions assumed by role chaining at 1 h'
    )


def test_duplicate_account_ids_and_names_are_reported_on_the_second_entry() -> None:
    problems = problems_of(ACCOUNT + '[[accounts]]\nid = "222222222222"\nname = "Shared-Data"\n')
    assert problems == [
        "cat.toml:6: accounts[Shared-Data].id: duplicate account id 222222222222 (also 'shared-data') — merge the two entries",
        "cat.toml:7: accounts[Shared-Data].name: 'Shared-Data' is already used by account 222222222222 — give each account a unique name and aliases",
    ]


def test_duplicate_roles_are_found_case_insensitively_like_iam() -> None:
    problem = one_problem(ACCOUNT + '[[accounts.roles]]\nname = "Admin"\n[[accounts.roles]]\nname = "admin"\n')
    assert problem == (
        "cat.toml:7: accounts[shared-data].roles[admin]: duplicate role 'admin' (IAM role names are "
        "case-insensitive; first: Admin) — remove one of them"
    )


def test_an_unknown_key_suggests_the_closest_known_one() -> None:
    problem = one_problem(ACCOUNT + '[[accounts.roles]]\nname = "R"\nexternal_idd = "abc"\n')
    assert (
        problem == "cat.toml:7: accounts[shared-data].roles[R].external_idd: unknown key — did you mean 'external_id'?"
    )


def test_an_unknown_top_level_table_lists_the_allowed_ones() -> None:
    problem = one_problem('[defualts]\nregion = "eu-west-1"\n')
    assert problem == "cat.toml:1: defualts: unknown key — did you mean 'defaults'?"


def test_a_color_outside_the_console_palette_is_refused() -> None:
    problem = one_problem(ACCOUNT + 'color = "purple"\n')
    assert problem == (
        "cat.toml:5: accounts[shared-data].color: 'purple' is not a console color — "
        "use one of red, orange, yellow, green, blue (the console shows no other)"
    )


def test_a_wrong_type_says_what_was_expected() -> None:
    problem = one_problem(ACCOUNT + 'aliases = "data"\n')
    assert (
        problem
        == "cat.toml:5: accounts[shared-data].aliases: expected a list of strings, got a string — write aliases as a list of strings"
    )


def test_every_problem_is_reported_in_one_run_in_line_order() -> None:
    problems = problems_of(
        """
        [defaults]
        duration = "20h"
        [[accounts]]
        id = "1"
        name = "a"
          [[accounts.roles]]
          name = "R"
          colour = "red"
        """
    )
    assert [p.split(":")[1] for p in problems] == ["3", "5", "9"]


def test_a_rebound_key_may_not_collide_with_another_action() -> None:
    problem = one_problem('[keys]\nshell = "q"\n')
    assert problem == "cat.toml:2: keys.shell: key 'q' is bound to both shell and quit — give each action its own key"


def test_an_organizations_rule_that_matches_everything_is_refused() -> None:
    problem = one_problem('[organizations]\nenabled = true\n[[organizations.rules]]\nroles = ["ReadOnly"]\n')
    assert problem == (
        "cat.toml:3: organizations.rules[1]: matches every account — "
        'add ou = "Workloads/Prod/*" and/or tags = { environment = "prod" }'
    )


def test_a_template_naming_an_unknown_account_is_refused() -> None:
    problem = one_problem(ACCOUNT + '[[templates]]\nname = "ReadOnly"\naccounts = ["nope"]\n')
    assert (
        problem
        == "cat.toml:7: templates[ReadOnly].accounts: no account 'nope' in the catalog — name an account by its name, alias or id"
    )
