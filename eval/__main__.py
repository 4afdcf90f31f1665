"""`python -m eval` (`make eval`): every quality table of the project.

Retrieval on the course notes and the sample notes, chat routing and answers on
both (plus a held-out set of small talk and out-of-scope messages), the routing
classifier on the chat sets, the reply groups small talk gets (`eval.replies`),
answer-level span recall, precision, fragments and routing on the course notes' dev and
test splits (`eval.answers`), the dev questions typed another way (`eval.retyped`), and
the digit recogniser on its held-out MNIST split.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from eval import answers, chat, digits, replies, retrieval, retyped, routing


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        retrieval.run("both", root)
        chat.run("all", root)
        answers.run("all", root)
        retyped.run("all", root)
    routing.run()
    replies.run()
    digits.main([])


if __name__ == "__main__":
    main()
