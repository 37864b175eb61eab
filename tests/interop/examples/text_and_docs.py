"""Text logs with levels and colors, markdown documents, and a log handler integration."""

import logging
import sys

import rerun as rr

rr.init("rerun_example_text")
rr.save(sys.argv[1])
rr.log("log", rr.TextLog("Application started.", level=rr.TextLogLevel.INFO))
rr.log("log", rr.TextLog("Disk almost full", level="WARN", color=[255, 200, 0]))
rr.log(
    "readme", rr.TextDocument("# Hello\n\nSome *markdown*.", media_type=rr.MediaType.MARKDOWN), static=True
)
rr.log("plain", rr.TextDocument("plain text"))
logging.getLogger().addHandler(rr.LoggingHandler("logs/handler"))
logging.getLogger().setLevel(-1)
logging.info("through the handler")
