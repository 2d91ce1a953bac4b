namespace LedgerSync.Diagnostics;

/// <summary>
/// The names of LedgerSync's telemetry: the meter and activity source (both <c>LedgerSync</c>), the instruments and
/// the tags. Instrument names and units follow the OpenTelemetry conventions, so an exporter needs only
/// <c>AddMeter(LedgerSyncTelemetry.MeterName)</c> and <c>AddSource(LedgerSyncTelemetry.ActivitySourceName)</c>.
/// </summary>
public static class LedgerSyncTelemetry
{
    /// <summary>The name of the meter: <c>LedgerSync</c>.</summary>
    public const string MeterName = "LedgerSync";

    /// <summary>The name of the activity source: <c>LedgerSync</c>.</summary>
    public const string ActivitySourceName = "LedgerSync";

    /// <summary>Observable gauge: outgoing reconciliations queued, waiting for their start time or backing off before a retry (<c>{reconciliation}</c>).</summary>
    public const string ScheduledInstrument = "ledgersync.reconciliation.scheduled";

    /// <summary>Observable gauge: reconciliations executing now, tagged with <see cref="RoleTag"/> (<c>{reconciliation}</c>).</summary>
    public const string InProgressInstrument = "ledgersync.reconciliation.in_progress";

    /// <summary>Observable gauge: parties whose latest outgoing reconciliation is <c>FAILED</c> (<c>{reconciliation}</c>).</summary>
    public const string FailedInstrument = "ledgersync.reconciliation.failed";

    /// <summary>Observable gauge: parties whose latest outgoing reconciliation is <c>DIFFERENCES_FOUND</c> (<c>{reconciliation}</c>).</summary>
    public const string WithDifferencesInstrument = "ledgersync.reconciliation.with_differences";

    /// <summary>Observable gauge: parties whose latest outgoing reconciliation is <c>DIFFERENCES_NOT_FOUND</c> (<c>{reconciliation}</c>).</summary>
    public const string WithoutDifferencesInstrument = "ledgersync.reconciliation.without_differences";

    /// <summary>Counter: ended runs, tagged with <see cref="OutcomeTag"/> and <see cref="RoleTag"/> (<c>{reconciliation}</c>).</summary>
    public const string RunsInstrument = "ledgersync.reconciliation.runs";

    /// <summary>Histogram: run duration from creation (queued or admitted) to end, in seconds, tagged with <see cref="OutcomeTag"/> and <see cref="RoleTag"/>.</summary>
    public const string DurationInstrument = "ledgersync.reconciliation.duration";

    /// <summary>Histogram: differences found by a successful outgoing run (<c>{transaction}</c>).</summary>
    public const string DifferencesInstrument = "ledgersync.reconciliation.differences";

    /// <summary>Counter: bytes of reconciliation messages, tagged with <see cref="NetworkIoDirectionTag"/> and <see cref="RoleTag"/> (<c>By</c>).</summary>
    public const string IoInstrument = "ledgersync.reconciliation.io";

    /// <summary>Counter: completed request/response exchanges, tagged with <see cref="RoleTag"/> (<c>{exchange}</c>).</summary>
    public const string ExchangesInstrument = "ledgersync.reconciliation.exchanges";

    /// <summary>Observable gauge: transactions in the ledger graph (<c>{transaction}</c>).</summary>
    public const string LedgerGraphTransactionsInstrument = "ledgersync.ledger_graph.transactions";

    /// <summary>Observable gauge: consistency errors of the ledger graph (<c>{error}</c>).</summary>
    public const string LedgerGraphErrorsInstrument = "ledgersync.ledger_graph.errors";

    /// <summary>Tag: how a run ended, one of the state names (<c>DIFFERENCES_FOUND</c>, <c>DIFFERENCES_NOT_FOUND</c>, <c>FAILED</c>, <c>STOPPED</c>).</summary>
    public const string OutcomeTag = "ledgersync.outcome";

    /// <summary>Tag: this node's role, <c>requester</c> or <c>responder</c>.</summary>
    public const string RoleTag = "ledgersync.role";

    /// <summary>Tag: <c>transmit</c> (sent) or <c>receive</c> (received), as in the OpenTelemetry <c>network.io.direction</c> attribute.</summary>
    public const string NetworkIoDirectionTag = "network.io.direction";

    /// <summary>Span tag: the counterparty's X.500 name (spans only; never a metric tag, to keep metric cardinality low).</summary>
    public const string PartyTag = "ledgersync.party";

    /// <summary>
    /// Tag on every measurement and on the meter itself: the X.500 name of this node's own party
    /// (<c>LedgerSyncOptions.LocalParty</c>), so the metrics of several nodes in one process can be told apart.
    /// </summary>
    public const string LocalPartyTag = "ledgersync.local_party";

    /// <summary>Span tag: the run ID.</summary>
    public const string RunIdTag = "ledgersync.run_id";

    /// <summary>Span tag: the number of differences found.</summary>
    public const string DifferencesTag = "ledgersync.differences";

    /// <summary>Span tag: bytes sent by the run (or, on an exchange span, during the exchange).</summary>
    public const string BytesSentTag = "ledgersync.bytes_sent";

    /// <summary>Span tag: bytes received by the run (or, on an exchange span, during the exchange).</summary>
    public const string BytesReceivedTag = "ledgersync.bytes_received";

    /// <summary>Span tag: the number of exchanges of the run, or the 1-based number of an exchange span.</summary>
    public const string ExchangeTag = "ledgersync.exchange";

    /// <summary>The tag value for <see cref="ReconciliationRole.Requester"/>.</summary>
    public const string RequesterRole = "requester";

    /// <summary>The tag value for <see cref="ReconciliationRole.Responder"/>.</summary>
    public const string ResponderRole = "responder";

    /// <summary>The tag value of <see cref="RoleTag"/> for <paramref name="role"/>.</summary>
    public static string ToTagValue(this ReconciliationRole role) => role == ReconciliationRole.Requester ? RequesterRole : ResponderRole;
}
