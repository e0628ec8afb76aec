"""jieba's own dictionary held without its prefix entries: the same cuts as jieba's stock
tokenizer in about half the memory. Imported on the first search or filing, never at start."""

from __future__ import annotations

import sys
import threading

# jieba imports pkg_resources (about 6 MB resident) only to open its dictionary file; when
# that import fails it opens the file from its own folder. Nothing of ours needs pkg_resources.
_blocked = "pkg_resources" not in sys.modules
if _blocked:
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]
try:
    import jieba
finally:
    if _blocked and sys.modules.get("pkg_resources", False) is None:
        del sys.modules["pkg_resources"]


class CompactTokenizer(jieba.Tokenizer):
    """A jieba tokenizer whose FREQ holds only the dictionary's words, not also every beginning
    of every word (150,000 more strings, ~28 MB): its word graph stops at the longest word with
    the same first character instead, which finds the same words, so every cut is the same."""

    def __init__(self) -> None:
        super().__init__()
        self._longest: dict[str, int] = {}
        self._loading = threading.Lock()

    def initialize(self) -> None:
        """Read jieba's dict.txt (word, frequency, tag per line) as jieba does, minus prefixes."""
        with self._loading:
            if self.initialized:
                return
            freq: dict[str, int] = {}
            total = 0
            # Read whole, then split: a loop that reads line by line lets go of the GIL at every
            # 8 KB read and takes it straight back, which keeps the event loop's thread waiting
            # for it (hundreds of milliseconds at a time) while this runs in a worker.
            with self.get_dict_file() as file:
                text = file.read()
            for raw in text.splitlines():
                word, count = raw.strip().decode("utf-8").split(" ")[:2]
                freq[word] = int(count)
                total += int(count)  # jieba sums repeated lines too
            longest: dict[str, int] = {}
            for word in freq:
                longest[word[0]] = max(longest.get(word[0], 0), len(word))
            self.FREQ, self.total, self._longest = freq, total, longest
            self.initialized = True

    def get_DAG(self, sentence: str) -> dict[int, list[int]]:
        """For each position, where the words beginning there end (jieba's word graph)."""
        self.check_initialized()
        freq, longest = self.FREQ, self._longest
        n = len(sentence)
        graph: dict[int, list[int]] = {}
        for k in range(n):
            end = min(n, k + longest.get(sentence[k], 0))
            graph[k] = [i for i in range(k, end) if freq.get(sentence[k : i + 1])] or [k]
        return graph

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        """jieba's add_word, keeping the longest word per first character right."""
        super().add_word(word, freq, tag)
        self._longest[word[0]] = max(self._longest.get(word[0], 0), len(word))


# The one tokenizer: its dictionary loads once, whichever thread asks first (the others wait).
TOKENIZER = CompactTokenizer()
