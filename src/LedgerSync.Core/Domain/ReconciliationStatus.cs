using System.Globalization;
using System.Text;

namespace LedgerSync;

/// <summary>
/// The stored status of reconciliations with one party in one role: one row of <c>CR_RECONCILIATION_STATUS</c>.
/// The <c>LastSuccessful*</c> members change only when a run succeeds, so they can show success while the
/// latest run failed.
/// </summary>
public sealed record ReconciliationStatus
{
    /// <summary>The counterparty.</summary>
    public required PartyName PartyName { get; init; }

    /// <summary><see langword="true"/> when this node requested the reconciliation; <see langword="false"/> when it responded.</summary>
    public required bool IsRequester { get; init; }

    /// <summary>The ID of the latest run: the handle to stop it.</summary>
    public Guid? StateMachineRunId { get; init; }

    /// <summary>When the latest successful run started.</summary>
    public DateTimeOffset? LastSuccessfulReconciliationTimeStarted { get; init; }

    /// <summary>When the latest successful run finished.</summary>
    public DateTimeOffset? LastSuccessfulReconciliationTimeFinished { get; init; }

    /// <summary>The state the latest successful run ended in.</summary>
    public ReconciliationState? LastSuccessfulReconciliationStatus { get; init; }

    /// <summary>The IDs of relevant transactions the counterparty has and this node lacks, as of the latest successful run (and refreshes since).</summary>
    public IReadOnlyList<TransactionId> LastSuccessfulReconciliationResult { get; init; } = [];

    /// <summary>When the latest run started.</summary>
    public DateTimeOffset? LastReconciliationTimeStarted { get; init; }

    /// <summary>When the latest run finished (<see langword="null"/> while it runs).</summary>
    public DateTimeOffset? LastReconciliationTimeFinished { get; init; }

    /// <summary>The state of the latest run.</summary>
    public ReconciliationState? LastReconciliationStatus { get; init; }

    /// <summary>Why the latest run failed (<see langword="null"/> unless it did).</summary>
    public string? LastReconciliationError { get; init; }

    /// <summary>Equal when every member is equal, comparing <see cref="LastSuccessfulReconciliationResult"/> element by element.</summary>
    public bool Equals(ReconciliationStatus? other) =>
        other is not null
        && PartyName == other.PartyName
        && IsRequester == other.IsRequester
        && StateMachineRunId == other.StateMachineRunId
        && LastSuccessfulReconciliationTimeStarted == other.LastSuccessfulReconciliationTimeStarted
        && LastSuccessfulReconciliationTimeFinished == other.LastSuccessfulReconciliationTimeFinished
        && LastSuccessfulReconciliationStatus == other.LastSuccessfulReconciliationStatus
        && LastSuccessfulReconciliationResult.SequenceEqual(other.LastSuccessfulReconciliationResult)
        && LastReconciliationTimeStarted == other.LastReconciliationTimeStarted
        && LastReconciliationTimeFinished == other.LastReconciliationTimeFinished
        && LastReconciliationStatus == other.LastReconciliationStatus
        && string.Equals(LastReconciliationError, other.LastReconciliationError, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(PartyName);
        hash.Add(IsRequester);
        hash.Add(StateMachineRunId);
        hash.Add(LastSuccessfulReconciliationTimeStarted);
        hash.Add(LastSuccessfulReconciliationTimeFinished);
        hash.Add(LastSuccessfulReconciliationStatus);
        hash.Add(LastSuccessfulReconciliationResult.Count);
        hash.Add(LastReconciliationTimeStarted);
        hash.Add(LastReconciliationTimeFinished);
        hash.Add(LastReconciliationStatus);
        hash.Add(LastReconciliationError, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    /// <summary>
    /// Prints the status in the reference product's layout:
    /// <c>ReconciliationStatus(partyName="O=PartyB, L=London, C=GB", isRequester=true, ...)</c>, times as Unix milliseconds.
    /// </summary>
    public override string ToString() => Format(indented: false);

    /// <summary>Prints the status one field per line, as the reference documentation shows it.</summary>
    public string ToIndentedString() => Format(indented: true);

    private string Format(bool indented)
    {
        var separator = indented ? ",\n    " : ", ";
        var b = new StringBuilder("ReconciliationStatus(");
        if (indented)
        {
            b.Append("\n    ");
        }

        b.Append("partyName=\"").Append(PartyName).Append('"').Append(separator);
        b.Append("isRequester=").Append(IsRequester ? "true" : "false").Append(separator);
        b.Append("stateMachineRunId=").Append(StateMachineRunId is { } id ? $"\"{id}\"" : "null").Append(separator);
        b.Append("lastSuccessfulReconciliationTimeStarted=").Append(Millis(LastSuccessfulReconciliationTimeStarted)).Append(separator);
        b.Append("lastSuccessfulReconciliationTimeFinished=").Append(Millis(LastSuccessfulReconciliationTimeFinished)).Append(separator);
        b.Append("lastSuccessfulReconciliationStatus=").Append(LastSuccessfulReconciliationStatus?.ToName() ?? "null").Append(separator);
        b.Append("lastSuccessfulReconciliationResult=[");
        if (indented)
        {
            // As the reference documentation prints it: an empty list is an empty line between the brackets.
            b.Append('\n');
            if (LastSuccessfulReconciliationResult.Count > 0)
            {
                b.Append("        ").AppendJoin(",\n        ", LastSuccessfulReconciliationResult);
            }

            b.Append("\n    ]");
        }
        else
        {
            b.AppendJoin(", ", LastSuccessfulReconciliationResult).Append(']');
        }

        b.Append(separator);
        b.Append("lastReconciliationTimeStarted=").Append(Millis(LastReconciliationTimeStarted)).Append(separator);
        b.Append("lastReconciliationTimeFinished=").Append(Millis(LastReconciliationTimeFinished)).Append(separator);
        b.Append("lastReconciliationStatus=").Append(LastReconciliationStatus?.ToName() ?? "null").Append(separator);
        b.Append("lastReconciliationError=\"").Append(LastReconciliationError ?? string.Empty).Append('"');
        b.Append(indented ? "\n)" : ")");
        return b.ToString();

        static string Millis(DateTimeOffset? time) =>
            time is { } t ? t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "null";
    }
}
