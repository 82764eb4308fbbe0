"""A chunk engine using only Python's standard library (http.server and email multipart parsing).

It takes its address from VERITONE_WEBHOOK_READY/_PROCESS only and answers VTN JSON typed
text/plain, to show the toolkit emulator drives an engine in any language.
"""
import json
import os
import signal
import sys
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

READY = urlparse(os.environ["VERITONE_WEBHOOK_READY"])
PROCESS = urlparse(os.environ["VERITONE_WEBHOOK_PROCESS"])


def parse_form(content_type, body):
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    fields, files = {}, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            files[name] = (part.get_filename(), part.get_content_type(), payload)
        else:
            fields[name] = payload.decode("utf-8")
    return fields, files


class Engine(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        sys.stderr.write("python engine: " + (format % args) + "\n")

    def do_GET(self):
        self.send_response(200 if self.path == READY.path else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        if self.path != PROCESS.path:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        fields, files = parse_form(self.headers["Content-Type"], body)
        filename, _type, data = files.get("chunk", ("", "", b""))
        output = {
            "series": [
                {
                    "startTimeMs": int(fields.get("startOffsetMS") or 0),
                    "stopTimeMs": int(fields.get("endOffsetMS") or 0) or 1000,
                    "object": {
                        "type": "object",
                        "label": "%sx%s %d bytes %s python"
                        % (fields.get("width"), fields.get("height"), len(data), filename),
                        "confidence": 0.6,
                        "boundingPoly": [{"x": 0.2, "y": 0.2}, {"x": 0.8, "y": 0.2}, {"x": 0.5, "y": 0.8}],
                    },
                }
            ]
        }
        answer = json.dumps(output).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def main():
    server = ThreadingHTTPServer((PROCESS.hostname, PROCESS.port), Engine)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.serve_forever()


if __name__ == "__main__":
    main()
