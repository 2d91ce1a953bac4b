using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LedgerSync.Testing.Logging;

/// <summary>
/// Helpers over the official <see cref="FakeLogCollector"/> (Microsoft.Extensions.Diagnostics.Testing) for the
/// repository's log assertions: lines by event ID (the <c>LedgerSync*EventId</c> constants), scope values, and
/// awaiting a line instead of polling for it. Template values: <see cref="FakeLogRecord.GetStructuredStateValue"/>.
/// </summary>
public static class FakeLogs
{
    /// <summary>Creates a factory logging everything (trace and above, with scopes) to a new collector.</summary>
    public static ILoggerFactory CreateFactory(out FakeLogCollector collector)
    {
        var provider = new FakeLoggerProvider();
        collector = provider.Collector;
        return LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(provider));
    }

    /// <summary>The lines with event ID <paramref name="eventId"/>, in order.</summary>
    public static IReadOnlyList<FakeLogRecord> WithEventId(this FakeLogCollector logs, int eventId)
    {
        ArgumentNullException.ThrowIfNull(logs);
        return [.. logs.GetSnapshot().Where(r => r.Id.Id == eventId)];
    }

    /// <summary>
    /// Waits (without polling: the collector streams each line as it is written) until at least
    /// <paramref name="count"/> lines with event ID <paramref name="eventId"/> have been logged, for at most
    /// <paramref name="timeout"/> of real time, and returns the lines with that ID.
    /// </summary>
    public static async Task<IReadOnlyList<FakeLogRecord>> WaitForEventAsync(this FakeLogCollector logs, int eventId, TimeSpan timeout, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(logs);
        using var cancel = new CancellationTokenSource(timeout);
        var written = logs.GetLogsAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);
        try
        {
            var next = written.MoveNextAsync(); // listening from here on; lines written before are in the snapshot
            while (true)
            {
                if (logs.WithEventId(eventId) is { } lines && lines.Count >= count)
                {
                    return lines;
                }

                if (!await next.ConfigureAwait(false))
                {
                    break;
                }

                next = written.MoveNextAsync();
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        finally
        {
            await written.DisposeAsync().ConfigureAwait(false);
        }

        throw new TimeoutException($"Fewer than {count} log lines with event ID {eventId} within {timeout}.");
    }

    /// <summary>The properties of every structured scope open when the line was written, inner scopes overriding outer ones.</summary>
    public static IReadOnlyDictionary<string, object?> ScopeValues(this FakeLogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var scope in record.Scopes)
        {
            if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    values[key] = value;
                }
            }
        }

        return values;
    }
}
