"""The user's ~/.aws/config as a source of roles: role profiles, SSO profiles and `[sso-session]` sections.

- reads: the AWS config file, through botocore's own parser in the AWS layer (roleui/aws/sources.py), which
  hands the parsed sections to profiles.py (no API call, no cache: the file is the source);
- refreshes: never — editing the file is the refresh;
- merges: profiles.py `merge_profile_roles`, right after the TOML catalog and before every discovered source.
"""
