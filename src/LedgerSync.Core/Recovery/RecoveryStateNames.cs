using System.Diagnostics.CodeAnalysis;

namespace LedgerSync.Recovery;

/// <summary>Converts <see cref="RecoveryState"/> and <see cref="RecoveryItemOutcome"/> to and from the strings used in storage and printed output.</summary>
public static class RecoveryStateNames
{
    /// <summary><c>QUEUED</c>.</summary>
    public const string Queued = "QUEUED";

    /// <summary><c>IN_PROGRESS</c>.</summary>
    public const string InProgress = "IN_PROGRESS";

    /// <summary><c>FINISHED</c>.</summary>
    public const string Finished = "FINISHED";

    /// <summary><c>FAILED</c>.</summary>
    public const string Failed = "FAILED";

    /// <summary><c>STOPPED</c>.</summary>
    public const string Stopped = "STOPPED";

    /// <summary><c>PENDING</c>: no outcome yet.</summary>
    public const string Pending = "PENDING";

    /// <summary><c>RECOVERED</c>.</summary>
    public const string Recovered = "RECOVERED";

    /// <summary><c>REJECTED</c>.</summary>
    public const string Rejected = "REJECTED";

    /// <summary><c>REFUSED</c>.</summary>
    public const string Refused = "REFUSED";

    private static readonly string[] StateNames = [Queued, InProgress, Finished, Failed, Stopped];
    private static readonly string[] OutcomeNames = [Pending, Recovered, Rejected, Refused];

    /// <summary>Whether a state is an end (<c>FINISHED</c>, <c>FAILED</c> or <c>STOPPED</c>).</summary>
    public static bool IsEnded(this RecoveryState state) => state is RecoveryState.Finished or RecoveryState.Failed or RecoveryState.Stopped;

    /// <summary>The storage name of <paramref name="state"/>, for example <c>IN_PROGRESS</c>.</summary>
    public static string ToName(this RecoveryState state) =>
        (uint)state < (uint)StateNames.Length ? StateNames[(int)state] : throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown recovery state.");

    /// <summary>The storage name of <paramref name="outcome"/>, for example <c>RECOVERED</c>.</summary>
    public static string ToName(this RecoveryItemOutcome outcome) =>
        (uint)outcome < (uint)OutcomeNames.Length ? OutcomeNames[(int)outcome] : throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown recovery outcome.");

    /// <summary>Parses a state's storage name (exact, upper-case).</summary>
    public static bool TryParseState([NotNullWhen(true)] string? name, out RecoveryState state)
    {
        var index = Array.IndexOf(StateNames, name);
        state = (RecoveryState)Math.Max(index, 0);
        return index >= 0;
    }

    /// <summary>Parses an outcome's storage name (exact, upper-case).</summary>
    public static bool TryParseOutcome([NotNullWhen(true)] string? name, out RecoveryItemOutcome outcome)
    {
        var index = Array.IndexOf(OutcomeNames, name);
        outcome = (RecoveryItemOutcome)Math.Max(index, 0);
        return index >= 0;
    }

    /// <summary>Parses a state's storage name.</summary>
    /// <exception cref="FormatException">Not one of the five names; the message lists them.</exception>
    public static RecoveryState ParseState(string name) =>
        TryParseState(name, out var state) ? state : throw new FormatException($"'{name}' is not a recovery state; expected one of {string.Join(", ", StateNames)}.");

    /// <summary>Parses an outcome's storage name.</summary>
    /// <exception cref="FormatException">Not one of the four names; the message lists them.</exception>
    public static RecoveryItemOutcome ParseOutcome(string name) =>
        TryParseOutcome(name, out var outcome) ? outcome : throw new FormatException($"'{name}' is not a recovery outcome; expected one of {string.Join(", ", OutcomeNames)}.");
}
