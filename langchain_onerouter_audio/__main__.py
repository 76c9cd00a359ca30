"""``python -m langchain_onerouter_audio``: the ``onerouter-audio`` command line."""

import sys

from langchain_onerouter_audio.cli import main

sys.exit(main())
