"""Where roles come from besides the catalog (~/.aws/config, AWS Organizations), and the one merge of them all."""
