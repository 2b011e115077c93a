"""Where the world of roles comes from: the TOML catalog, the AWS config file's profiles and every discovered
source's cache (roleui/core/sources/registry.py) — merged into the one Catalog every command and the UI use.

No API call happens here and boto3 is not imported: the AWS config file is read with botocore's own
config parser (a light import), and discovered accounts come from the cache (refreshing is explicit: roleui/aws/refresh.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from roleui.core.errors import ConfigError
from roleui.core.models import Catalog
from roleui.core.paths import aws_config_path, cache_dir, config_path

if TYPE_CHECKING:
    from roleui.core.problems import Problem
    from roleui.core.sources.aws_config.profiles import SsoSession

Warn = Callable[[str], None]


def read_aws_profiles(path: Path) -> tuple[dict[str, dict[str, object]], dict[str, int], list[Problem]]:
    """Profiles of an AWS config file through botocore's parser, their header lines, and parse problems."""
    profiles, _, lines, problems = read_aws_config(path)
    return profiles, lines, problems


def read_aws_config(
    path: Path,
) -> tuple[dict[str, dict[str, object]], dict[str, dict[str, object]], dict[str, int], list[Problem]]:
    """Profiles and `[sso-session]` sections of an AWS config file through botocore's parser, the header lines
    (`sso-session NAME` for the sessions), and parse problems."""
    if not path.is_file():
        return {}, {}, {}, []
    from botocore.configloader import load_config
    from botocore.exceptions import BotoCoreError

    from roleui.core.sources.aws_config.profiles import profile_lines

    try:
        text = path.read_text(encoding="utf-8", errors="replace")
        config = load_config(str(path))
    except (BotoCoreError, OSError, UnicodeError) as error:
        from roleui.core.problems import Problem

        problem = Problem(str(path), 0, "", f"cannot parse the AWS config file: {error}", "fix its syntax (INI)")
        return {}, {}, {}, [problem]
    return config.get("profiles", {}), config.get("sso_sessions", {}), profile_lines(text), []


def read_sso_sessions(path: Path | None = None) -> tuple[dict[str, SsoSession], list[Problem]]:
    """The usable `[sso-session]` sections of the AWS config file (default: AWS_CONFIG_FILE or ~/.aws/config)."""
    from roleui.core.sources.aws_config.profiles import sso_sessions_from_config

    path = path or aws_config_path()
    _, sections, lines, problems = read_aws_config(path)
    sessions, more = sso_sessions_from_config(sections, file=str(path), lines=lines)
    return sessions, problems + more


def load_world(
    explicit_config: str | None = None, *, warn: Warn | None = None, strict: bool = False, cached: bool = False
) -> Catalog:
    """The merged catalog. `strict` (roleui check) turns unusable AWS config profiles into errors;
    otherwise they are skipped, with a warning through `warn`.

    `cached` (the UI, and the commands that assume one role) takes the whole world from the world cache (roleui/core/world/world_cache.py) while none of the
    files it came from has changed, and leaves it there otherwise: a 30,000-role world then loads in milliseconds.
    """
    path, named = config_path(explicit_config)
    aws_path = aws_config_path()
    if not cached:
        return _merge(_catalog_file(path, named), aws_path, warn, strict)
    from roleui.core.sources.registry import DISCOVERED
    from roleui.core.world.world_cache import CachedWorld, entry_for, load_world_entry, save_world

    watched = (path, aws_path, *(source.cache_file() for source in DISCOVERED))
    sources = [str(p.absolute()) for p in watched]
    entry = entry_for(str(cache_dir()), sources, named)
    stored = load_world_entry(entry)
    if stored is None:
        warnings: list[str] = []

        def keep(text: str) -> None:
            warnings.append(text)
            if warn is not None:
                warn(text)

        stored = CachedWorld(_merge(_catalog_file(path, named), aws_path, keep, strict), tuple(warnings))
        save_world(entry, stored)
        # Read back: the stored form holds ~12 MB less than 30,000 Role objects (unless it could not be written).
        return (load_world_entry(entry) or stored).catalog
    if stored.catalog.path is not None:
        from roleui.core.catalog.trust import refuse_foreign_commands

        refuse_foreign_commands(stored.catalog.path, stored.catalog)  # its mode may have changed, not its content
    if warn is not None:
        for text in stored.warnings:
            warn(text)
    return stored.catalog


def read_catalog(explicit_config: str | None = None) -> Catalog:
    """The TOML catalog alone (its settings and own accounts), without ~/.aws/config or the organization."""
    return _catalog_file(*config_path(explicit_config))


def _catalog_file(path: Path, named: bool) -> Catalog:
    from roleui.core.catalog.parse import load_catalog  # here: a start from the world cache never parses TOML

    return load_catalog(path) if named or path.exists() else Catalog()


def _merge(catalog: Catalog, aws_path: Path, warn: Warn | None, strict: bool) -> Catalog:
    """Every source's roles from its own cache or file, joined in one place (roleui/core/sources/merge.py)."""
    from roleui.core.sources.aws_config.profiles import roles_from_profiles, sso_sessions_from_config
    from roleui.core.sources.merge import load_sources, merge_sources

    profiles, sections, lines, problems = read_aws_config(aws_path)
    sessions, session_problems = sso_sessions_from_config(sections, file=str(aws_path), lines=lines)
    roles, role_problems = roles_from_profiles(
        profiles, file=str(aws_path), lines=lines, accounts=catalog.accounts, sso_sessions=sessions
    )
    problems += session_problems + role_problems
    if problems and strict:
        raise ConfigError(problems)
    if warn is not None:
        for problem in problems:
            warn(f"skipped: {problem}")
    world = merge_sources(catalog, roles, load_sources(catalog, warn=warn))
    return replace(world, aws_config_path=str(aws_path) if profiles else None)
