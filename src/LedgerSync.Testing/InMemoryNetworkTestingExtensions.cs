using LedgerSync.Transport;

namespace LedgerSync.Testing;

/// <summary>
/// Test aids over an <see cref="InMemoryNetwork"/>: decide the fate of each message (drop, corrupt, truncate, replace,
/// delay, stall, kill the session), observe messages, read what each node sent, kill sessions, and check that no
/// inbound handler crashed.
/// </summary>
/// <example>
/// <code>
/// await using var network = new InMemoryNetwork();
/// // Corrupt the second message B sends: A's run must fail with a protocol error, not hang or mis-decode.
/// network.SetInterceptor(m => m.From == partyB &amp;&amp; m.Sequence == 1 ? InMemoryMessageFate.Corrupt(m, index: 10) : InMemoryMessageFate.Deliver);
/// // ... run a reconciliation ...
/// await network.WhenHandlersIdleAsync();
/// var sent = network.GetTraffic(partyA, partyB); // Messages, Bytes
/// </code>
/// </example>
public static class InMemoryNetworkTestingExtensions
{
    /// <summary>
    /// Sets the function that decides the fate of each message sent on <paramref name="network"/> from now on,
    /// replacing the previous one; <see langword="null"/> delivers everything. It is called on the sender's thread,
    /// once per message, after the observers; an exception it throws fails that send. Messages in a direction that a
    /// <see cref="InMemoryMessageFate.Stall"/> has stalled are not shown to it.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is <see langword="null"/>.</exception>
    public static void SetInterceptor(this InMemoryNetwork network, Func<InMemoryMessage, InMemoryMessageFate>? interceptor)
    {
        ArgumentNullException.ThrowIfNull(network);
        InMemoryNetworkTap.For(network).SetInterceptor(interceptor);
    }

    /// <summary>
    /// Calls <paramref name="observer"/> with each message sent on <paramref name="network"/> until the returned
    /// subscription is disposed: on the sender's thread, before the interceptor decides the message's fate.
    /// </summary>
    /// <returns>The subscription; dispose it to stop observing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="observer"/> is <see langword="null"/>.</exception>
    public static IDisposable ObserveMessages(this InMemoryNetwork network, Action<InMemoryMessage> observer)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(observer);
        return InMemoryNetworkTap.For(network).AddObserver(observer);
    }

    /// <summary>
    /// What <paramref name="from"/> has sent to <paramref name="to"/> since the network was created or
    /// <see cref="ResetTraffic"/> was called: every message handed to the network, delivered or not, counted with the
    /// bytes the sender passed.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static InMemoryTraffic GetTraffic(this InMemoryNetwork network, PartyName from, PartyName to)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var (messages, bytes) = network.ReadTraffic(from, to);
        return new InMemoryTraffic(messages, bytes);
    }

    /// <summary>Sets every traffic counter of <paramref name="network"/> to zero.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is <see langword="null"/>.</exception>
    public static void ResetTraffic(this InMemoryNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.ClearTraffic();
    }

    /// <summary>
    /// Kills every open session between <paramref name="a"/> and <paramref name="b"/> (either direction): both ends
    /// see the session end at once, messages not yet read are lost, later sends fail.
    /// </summary>
    /// <returns>How many sessions were killed.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static int KillSessions(this InMemoryNetwork network, PartyName a, PartyName b)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return network.KillSessionsBetween(a, b);
    }

    /// <summary>
    /// The exceptions inbound session handlers on <paramref name="network"/> threw, oldest first (a LedgerSync
    /// responder throws none: a non-empty list in a test means a crash).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<Exception> GetHandlerFaults(this InMemoryNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.SnapshotHandlerFaults();
    }

    /// <summary>The number of sessions on <paramref name="network"/> not yet closed by both ends.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is <see langword="null"/>.</exception>
    public static int GetOpenSessionCount(this InMemoryNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.OpenSessions;
    }

    /// <summary>Waits until every inbound handler started on <paramref name="network"/> so far has returned.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is <see langword="null"/>.</exception>
    public static Task WhenHandlersIdleAsync(this InMemoryNetwork network, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.WaitForHandlersAsync(cancellationToken);
    }
}
