"""Ask a recorded lecture a question and get the answer with the timestamps it came from.

    python examples/rag_transcripts.py ["your question"]

The lecture (``examples/audio/lecture.mp3``) is loaded as one Document per transcript segment,
split with ``RecursiveCharacterTextSplitter``, embedded into an ``InMemoryVectorStore`` and
searched through a retriever. The answer quotes the best passage; every source names its
file and its start and end in the recording, so you can jump to the moment it was said.

The embedding is a small bag-of-words hashing model written below: deterministic, offline and
free, and enough to find the passage that shares the question's words. Swap in any
``Embeddings`` (OpenAI, Hugging Face, ...) for meaning-level search.

Without ``ONEROUTER_API_KEY`` the transcription replays ``cassettes/examples/rag_transcripts.yaml``.
That recording comes from a small open-source recogniser, so the transcript is lower case and
partly misheard ("argument over the recording" for "a document loader turns each recording"):
retrieval still finds the right moment, and the quote shows what the recogniser heard.
"""

from __future__ import annotations

import math
import re
import sys
import zlib
from pathlib import Path

from _offline import AUDIO_DIR, audio_client, mode_line
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import InMemoryVectorStore
from langchain_text_splitters import RecursiveCharacterTextSplitter

from langchain_onerouter_audio import OneRouterTranscriptLoader

QUESTION = "What does a document loader turn each recording into?"
LECTURE = AUDIO_DIR / "lecture.mp3"
# Words too common to tell passages apart.
_COMMON = """a an and are as at be by can do does each for from has have how i in into is it of on
or so that the their then this to was what when where which who why with you your"""
STOPWORDS = frozenset(_COMMON.split())


class HashingEmbeddings(Embeddings):
    """Bag-of-words vectors by feature hashing: each content word adds to one of ``size`` slots."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.size
        for word in re.findall(r"[a-z0-9']+", text.lower()):
            if word not in STOPWORDS:
                vector[zlib.crc32(word.encode()) % self.size] += 1.0
        norm = math.sqrt(sum(value * value for value in vector)) or 1.0
        return [value / norm for value in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def clock(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes):02d}:{rest:05.2f}"


def cite(document: Document) -> str:
    meta = document.metadata
    return f"{Path(meta['source']).name} {clock(meta['start'])}-{clock(meta['end'])}"


def load_segments() -> list[Document]:
    """The lecture as one Document per transcript segment (start and end in metadata)."""
    with audio_client("rag_transcripts") as client:
        loader = OneRouterTranscriptLoader(LECTURE, client=client, mode="segments")
        return loader.load()


def shares_words(question: str, passage: Document, embeddings: Embeddings) -> bool:
    """False for passages ranked only to fill ``k``: they have no word of the question."""
    query = embeddings.embed_query(question)
    [vector] = embeddings.embed_documents([passage.page_content])
    return sum(q * v for q, v in zip(query, vector, strict=True)) > 0


def ask(question: str, segments: list[Document], k: int = 3) -> tuple[str, list[Document]]:
    """The best passage for ``question`` as the answer, and the passages it drew on."""
    embeddings = HashingEmbeddings()
    splitter = RecursiveCharacterTextSplitter(chunk_size=300, chunk_overlap=0)
    passages = splitter.split_documents(segments)  # long segments become several passages
    store = InMemoryVectorStore.from_documents(passages, embeddings)
    found = store.as_retriever(search_kwargs={"k": k}).invoke(question)
    sources = [doc for doc in found if shares_words(question, doc, embeddings)]
    if not sources:
        return "The lecture does not seem to talk about that.", []
    answer = f'At {cite(sources[0])} the lecture says: "{sources[0].page_content}"'
    return answer, sources


def main(argv: list[str]) -> int:
    print(mode_line("rag_transcripts"))
    question = argv[0] if argv else QUESTION
    segments = load_segments()
    print(f"Loaded {len(segments)} segments from {LECTURE.name}.")
    answer, sources = ask(question, segments)
    print(f"\nQuestion: {question}\nAnswer:   {answer}\nSources:")
    for number, source in enumerate(sources, start=1):
        print(f"  {number}. {cite(source)}  {source.page_content!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
