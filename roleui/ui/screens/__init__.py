"""The app's modal screens: MFA code, confirmation, help."""
