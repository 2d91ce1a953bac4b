using System.Diagnostics.Metrics;
using LedgerSync.Diagnostics;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>
/// Watches one node's outgoing reconciliations the way an operator's tooling would, through public telemetry only: the
/// <c>LedgerSync</c> meter's counters (bytes, exchanges, ended runs) for the node's own party (the
/// <see cref="LedgerSyncTelemetry.LocalPartyTag"/> tells the nodes of this process apart), and the monitor's in-flight
/// view to catch the moment a run waits on its peer.
/// </summary>
internal sealed class ReconciliationObserver : IDisposable
{
    private readonly string _localParty;
    private readonly MeterListener _listener;
    private long _bytesSent;
    private long _bytesReceived;
    private int _exchanges;

    public ReconciliationObserver(PartyName localParty)
    {
        _localParty = localParty.ToString();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == LedgerSyncTelemetry.MeterName
                    && instrument.Name is LedgerSyncTelemetry.IoInstrument or LedgerSyncTelemetry.ExchangesInstrument or LedgerSyncTelemetry.RunsInstrument)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Bytes the node sent as requester since the observer started.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Bytes the node received as requester since the observer started.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Exchanges the node completed as requester since the observer started.</summary>
    public int Exchanges => Volatile.Read(ref _exchanges);

    /// <summary>Completes when the first outgoing reconciliation ends, with the time it ended.</summary>
    public TaskCompletionSource<DateTimeOffset> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Polls the monitor until an outgoing run with <paramref name="party"/> waits on the peer's message, then writes the
    /// in-flight dump; <see langword="null"/> if the run ends first.
    /// </summary>
    public async Task<string?> DumpWhenWaitingOnPeerAsync(SampleNode node, PartyName party, string directory)
    {
        while (!Ended.Task.IsCompleted)
        {
            if (node.Monitor.GetInFlightReconciliations().Any(r =>
                    r.Party == party && r.Role == ReconciliationRole.Requester && r.WaitingOn == RunWaitReason.PeerMessage))
            {
                return await node.Dumper.WriteToDirectoryAsync(directory);
            }

            await Task.Delay(1);
        }

        return null;
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? localParty = null, role = null, direction = null;
        foreach (var (key, tag) in tags)
        {
            switch (key)
            {
                case LedgerSyncTelemetry.LocalPartyTag:
                    localParty = tag as string;
                    break;
                case LedgerSyncTelemetry.RoleTag:
                    role = tag as string;
                    break;
                case LedgerSyncTelemetry.NetworkIoDirectionTag:
                    direction = tag as string;
                    break;
            }
        }

        if (localParty != _localParty || role != LedgerSyncTelemetry.RequesterRole)
        {
            return;
        }

        switch (instrument.Name)
        {
            case LedgerSyncTelemetry.IoInstrument when direction == "transmit":
                Interlocked.Add(ref _bytesSent, value);
                break;
            case LedgerSyncTelemetry.IoInstrument:
                Interlocked.Add(ref _bytesReceived, value);
                break;
            case LedgerSyncTelemetry.ExchangesInstrument:
                Interlocked.Add(ref _exchanges, (int)value);
                break;
            case LedgerSyncTelemetry.RunsInstrument:
                Ended.TrySetResult(TimeProvider.System.GetUtcNow());
                break;
        }
    }
}
