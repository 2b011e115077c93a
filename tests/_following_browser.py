"""A browser for tests ($BROWSER): follows roleui's private redirect page (file://) as a browser does, then fetches
the URL it points to (an Identity Center page that redirects to roleui's loopback)."""

import html
import os
import re
import sys
import urllib.request

if os.environ.get("TEST_BROWSER_ARGV"):  # where a test reads the command line every local user saw in `ps`
    with open(os.environ["TEST_BROWSER_ARGV"], "a", encoding="utf-8") as record:
        record.write(" ".join(sys.argv) + "\n")
url = sys.argv[1]
if url.startswith("file://"):
    page = urllib.request.urlopen(url).read().decode()
    url = html.unescape(re.search(r'content="0;url=([^"]*)"', page).group(1))  # type: ignore[union-attr]
urllib.request.urlopen(url).read()
