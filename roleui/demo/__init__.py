"""The embedded local AWS behind `roleui demo`: a moto server seeded with the AWS AssumeRole guide's story.

A door, like `roleui/commands`: it may import moto and boto3, and nothing in core, aws or ui imports it.
"""
