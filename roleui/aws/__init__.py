"""Adapters between roleui's core and AWS: botocore calls, the AWS config file, Organizations.

Modules here import botocore lazily (never boto3) where a fast start matters; none imports textual or the UI.
"""
