namespace LedgerSync.Transport.Http;

/// <summary>Counts the sessions each requester has open with the endpoint and refuses more than the per-party limit.</summary>
internal sealed class PartySessionLimiter
{
    private readonly Dictionary<PartyName, int> _open = [];
    private readonly Dictionary<string, int> _openByConnection = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Takes a slot for <paramref name="party"/> unless it already has <paramref name="limit"/> sessions open.</summary>
    public bool TryEnter(PartyName party, int limit)
    {
        lock (_lock)
        {
            _open.TryGetValue(party, out var open);
            if (open >= limit)
            {
                return false;
            }

            _open[party] = open + 1;
            return true;
        }
    }

    public void Leave(PartyName party)
    {
        lock (_lock)
        {
            if (_open.TryGetValue(party, out var open))
            {
                if (open <= 1)
                {
                    _open.Remove(party);
                }
                else
                {
                    _open[party] = open - 1;
                }
            }
        }
    }

    /// <summary>The per-connection count for hosts whose TLS is not set up by <c>UseLedgerSyncHttps()</c> (keyed by Kestrel's connection id).</summary>
    public bool TryEnterConnection(string connectionId, int limit)
    {
        lock (_lock)
        {
            _openByConnection.TryGetValue(connectionId, out var open);
            if (open >= limit)
            {
                return false;
            }

            _openByConnection[connectionId] = open + 1;
            return true;
        }
    }

    public void LeaveConnection(string connectionId)
    {
        lock (_lock)
        {
            if (_openByConnection.TryGetValue(connectionId, out var open))
            {
                if (open <= 1)
                {
                    _openByConnection.Remove(connectionId);
                }
                else
                {
                    _openByConnection[connectionId] = open - 1;
                }
            }
        }
    }

    /// <summary>Sessions <paramref name="party"/> has open now.</summary>
    public int OpenSessions(PartyName party)
    {
        lock (_lock)
        {
            return _open.GetValueOrDefault(party);
        }
    }
}
