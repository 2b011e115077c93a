"""Adapters between roleui's core and AWS: boto3/botocore calls, the AWS config file, Organizations.

Modules here import boto3 lazily where a fast start matters; none imports textual or the UI.
"""
