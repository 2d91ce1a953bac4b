namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>The <c>--transport</c> flag.</summary>
internal enum TransportMode
{
    /// <summary>Both nodes in this process, connected by LedgerSync's in-memory transport.</summary>
    Memory,

    /// <summary>Both nodes talk HTTPS (HTTP/2, mutual TLS) over the loopback interface.</summary>
    Http,
}
