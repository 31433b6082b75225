using CopilotBot.Memory.Embedded;
using CopilotBot.Memory.Text;

namespace CopilotBot.Memory;

/// <summary>
/// In-memory Okapi BM25 keyword index over chunks (k1 = 1.2, b = 0.75), with the same payload filters as the vector
/// stores. Not persisted: <see cref="MemoryIndexer"/> rebuilds it from its catalog on open (about a second per 100k
/// chunks). Thread-safe: many readers or one writer.
/// </summary>
public sealed class Bm25Index : IDisposable
{
    private const float K1 = 1.2f;
    private const float B = 0.75f;

    private readonly Dictionary<string, List<Posting>> _postings = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, int> _docs = [];
    private readonly List<MemoryChunk?> _chunks = [];
    private readonly List<int> _lengths = [];
    private readonly ReaderWriterLockSlim _gate = new();
    private long _totalLength;
    private int _deleted;

    /// <summary>Live chunks in the index.</summary>
    public int Count
    {
        get
        {
            _gate.EnterReadLock();
            try
            {
                return _docs.Count;
            }
            finally
            {
                _gate.ExitReadLock();
            }
        }
    }

    /// <summary>Adds chunks, replacing any with the same id.</summary>
    public void Upsert(IEnumerable<MemoryChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        // Tokenise outside the lock: it is the expensive part.
        var prepared = chunks.Select(c => (Chunk: c, Terms: Tokenizer.Tokens(c.Text))).ToList();
        _gate.EnterWriteLock();
        try
        {
            foreach ((MemoryChunk chunk, List<string> terms) in prepared)
            {
                RemoveLocked(chunk.Id);
                int doc = _chunks.Count;
                _chunks.Add(chunk);
                _lengths.Add(terms.Count);
                _totalLength += terms.Count;
                _docs[chunk.Id] = doc;
                foreach (IGrouping<string, string> term in terms.GroupBy(t => t, StringComparer.Ordinal))
                {
                    if (!_postings.TryGetValue(term.Key, out List<Posting>? list))
                    {
                        list = [];
                        _postings[term.Key] = list;
                    }

                    list.Add(new Posting(doc, term.Count()));
                }
            }

            CompactIfSparseLocked();
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>Removes chunks by id; unknown ids are ignored.</summary>
    public void Delete(IEnumerable<Guid> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        _gate.EnterWriteLock();
        try
        {
            foreach (Guid id in ids)
            {
                RemoveLocked(id);
            }

            CompactIfSparseLocked();
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>Removes every chunk matching the filter; returns how many.</summary>
    public int DeleteWhere(VectorFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        _gate.EnterWriteLock();
        try
        {
            var ids = _chunks.Where(c => c is not null && filter.Matches(c)).Select(c => c!.Id).ToList();
            foreach (Guid id in ids)
            {
                RemoveLocked(id);
            }

            CompactIfSparseLocked();
            return ids.Count;
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>The best <paramref name="limit"/> chunks for the query's terms that pass the filter, best first.</summary>
    public IReadOnlyList<(MemoryChunk Chunk, float Score)> Search(string query, int limit, VectorFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (filter?.MatchesNothing == true)
        {
            return [];
        }

        List<string> terms = [.. Tokenizer.Tokens(query).Distinct(StringComparer.Ordinal)];
        _gate.EnterReadLock();
        try
        {
            if (_docs.Count == 0 || terms.Count == 0)
            {
                return [];
            }

            var scores = new Dictionary<int, float>();
            float averageLength = Math.Max(1f, _totalLength / (float)_docs.Count);
            int documents = _docs.Count;
            foreach (string term in terms)
            {
                if (!_postings.TryGetValue(term, out List<Posting>? postings))
                {
                    continue;
                }

                // Postings of deleted chunks linger until compaction; df counts them, a small and temporary bias.
                float idf = MathF.Log(1 + (documents - postings.Count + 0.5f) / (postings.Count + 0.5f));
                foreach (Posting posting in postings)
                {
                    MemoryChunk? chunk = _chunks[posting.Doc];
                    if (chunk is null)
                    {
                        continue;
                    }

                    float tf = posting.Frequency;
                    float norm = K1 * (1 - B + B * _lengths[posting.Doc] / averageLength);
                    scores[posting.Doc] = scores.GetValueOrDefault(posting.Doc) + idf * tf * (K1 + 1) / (tf + norm);
                }
            }

            var top = new TopK(limit);
            bool filtered = filter is not null && !filter.IsEmpty;
            foreach ((int doc, float score) in scores)
            {
                if (score > top.Threshold && (!filtered || filter!.Matches(_chunks[doc]!)))
                {
                    top.Add(score, doc);
                }
            }

            return [.. top.Sorted().Select(h => (_chunks[h.Slot]!, h.Score))];
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    public void Dispose() => _gate.Dispose();

    private void RemoveLocked(Guid id)
    {
        if (_docs.Remove(id, out int doc))
        {
            _chunks[doc] = null;
            _totalLength -= _lengths[doc];
            _deleted++;
        }
    }

    // Deleted documents leave postings behind; once they are a third of the index, rebuild the postings.
    private void CompactIfSparseLocked()
    {
        if (_deleted < 1024 || _deleted < _chunks.Count / 3)
        {
            return;
        }

        var live = new List<(MemoryChunk Chunk, int Length)>(_docs.Count);
        var remap = new int[_chunks.Count];
        for (int doc = 0; doc < _chunks.Count; doc++)
        {
            remap[doc] = -1;
            if (_chunks[doc] is MemoryChunk chunk)
            {
                remap[doc] = live.Count;
                live.Add((chunk, _lengths[doc]));
            }
        }

        foreach ((string term, List<Posting> postings) in _postings.ToList())
        {
            var kept = postings.Where(p => remap[p.Doc] >= 0).Select(p => p with { Doc = remap[p.Doc] }).ToList();
            if (kept.Count == 0)
            {
                _postings.Remove(term);
            }
            else
            {
                _postings[term] = kept;
            }
        }

        _chunks.Clear();
        _lengths.Clear();
        _docs.Clear();
        foreach ((MemoryChunk chunk, int length) in live)
        {
            _docs[chunk.Id] = _chunks.Count;
            _chunks.Add(chunk);
            _lengths.Add(length);
        }

        _deleted = 0;
    }

    private readonly record struct Posting(int Doc, int Frequency);
}
