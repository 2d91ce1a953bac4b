using System.Diagnostics.Metrics;
using LedgerSync.Diagnostics;

namespace LedgerSync.Recovery;

/// <summary>Recovery's instruments on the <see cref="LedgerSyncTelemetry.MeterName"/> meter (see <see cref="RecoveryTelemetry"/>).</summary>
internal sealed class RecoveryMetrics : IDisposable
{
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _transactions;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _recoveries;

    public RecoveryMetrics(IMeterFactory? meterFactory = null)
    {
        var version = typeof(RecoveryMetrics).Assembly.GetName().Version?.ToString();
        Meter meter;
        if (meterFactory is null)
        {
            meter = _ownedMeter = new Meter(LedgerSyncTelemetry.MeterName, version);
        }
        else
        {
            meter = meterFactory.Create(new MeterOptions(LedgerSyncTelemetry.MeterName) { Version = version });
        }

        _transactions = meter.CreateCounter<long>(RecoveryTelemetry.TransactionsInstrument, "{transaction}", "Transactions recovered, rejected, refused or served by recovery, by outcome and role.");
        _bytes = meter.CreateCounter<long>(RecoveryTelemetry.BytesInstrument, "By", "Payload bytes recovered (requester) or served (responder).");
        _recoveries = meter.CreateCounter<long>(RecoveryTelemetry.RecoveriesInstrument, "{recovery}", "Recoveries ended, by outcome.");
    }

    public void Recovered(long bytes)
    {
        if (_transactions.Enabled)
        {
            _transactions.Add(1, Outcome(RecoveryTelemetry.Recovered), Role(true));
        }

        if (_bytes.Enabled)
        {
            _bytes.Add(bytes, Role(true));
        }
    }

    public void Rejected()
    {
        if (_transactions.Enabled)
        {
            _transactions.Add(1, Outcome(RecoveryTelemetry.Rejected), Role(true));
        }
    }

    public void Refused(bool isRequester)
    {
        if (_transactions.Enabled)
        {
            _transactions.Add(1, Outcome(RecoveryTelemetry.Refused), Role(isRequester));
        }
    }

    public void Served(long bytes)
    {
        if (_transactions.Enabled)
        {
            _transactions.Add(1, Outcome(RecoveryTelemetry.Served), Role(false));
        }

        if (_bytes.Enabled)
        {
            _bytes.Add(bytes, Role(false));
        }
    }

    public void Ended(RecoveryState state)
    {
        if (_recoveries.Enabled)
        {
            _recoveries.Add(1, Outcome(state.ToName()));
        }
    }

    public void Dispose() => _ownedMeter?.Dispose();

    private static KeyValuePair<string, object?> Outcome(string outcome) => new(LedgerSyncTelemetry.OutcomeTag, outcome);

    private static KeyValuePair<string, object?> Role(bool isRequester) =>
        new(LedgerSyncTelemetry.RoleTag, isRequester ? LedgerSyncTelemetry.RequesterRole : LedgerSyncTelemetry.ResponderRole);
}
