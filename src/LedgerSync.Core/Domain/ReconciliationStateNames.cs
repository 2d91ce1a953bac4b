using System.Diagnostics.CodeAnalysis;

namespace LedgerSync;

/// <summary>Converts <see cref="ReconciliationState"/> to and from the strings used in storage and printed output.</summary>
public static class ReconciliationStateNames
{
    /// <summary><c>IN_PROGRESS</c>.</summary>
    public const string InProgress = "IN_PROGRESS";

    /// <summary><c>DIFFERENCES_FOUND</c>.</summary>
    public const string DifferencesFound = "DIFFERENCES_FOUND";

    /// <summary><c>DIFFERENCES_NOT_FOUND</c>.</summary>
    public const string DifferencesNotFound = "DIFFERENCES_NOT_FOUND";

    /// <summary><c>FAILED</c>.</summary>
    public const string Failed = "FAILED";

    /// <summary><c>STOPPED</c>.</summary>
    public const string Stopped = "STOPPED";

    /// <summary>All five names, in declaration order of <see cref="ReconciliationState"/>.</summary>
    public static IReadOnlyList<string> All { get; } = [InProgress, DifferencesFound, DifferencesNotFound, Failed, Stopped];

    /// <summary>Returns the storage name of <paramref name="state"/>, for example <c>DIFFERENCES_FOUND</c>.</summary>
    public static string ToName(this ReconciliationState state) => state switch
    {
        ReconciliationState.InProgress => InProgress,
        ReconciliationState.DifferencesFound => DifferencesFound,
        ReconciliationState.DifferencesNotFound => DifferencesNotFound,
        ReconciliationState.Failed => Failed,
        ReconciliationState.Stopped => Stopped,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown reconciliation state."),
    };

    /// <summary>Whether a state is a successful end (<c>DIFFERENCES_FOUND</c> or <c>DIFFERENCES_NOT_FOUND</c>).</summary>
    public static bool IsSuccess(this ReconciliationState state) =>
        state is ReconciliationState.DifferencesFound or ReconciliationState.DifferencesNotFound;

    /// <summary>Parses a storage name (exact, upper-case).</summary>
    /// <exception cref="FormatException">The text is not one of the five names; the message lists them.</exception>
    public static ReconciliationState Parse(string name) =>
        TryParse(name, out var state)
            ? state
            : throw new FormatException($"'{name}' is not a reconciliation state; expected one of {string.Join(", ", All)}.");

    /// <summary>Tries to parse a storage name (exact, upper-case).</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out ReconciliationState state)
    {
        switch (name)
        {
            case InProgress: state = ReconciliationState.InProgress; return true;
            case DifferencesFound: state = ReconciliationState.DifferencesFound; return true;
            case DifferencesNotFound: state = ReconciliationState.DifferencesNotFound; return true;
            case Failed: state = ReconciliationState.Failed; return true;
            case Stopped: state = ReconciliationState.Stopped; return true;
            default: state = default; return false;
        }
    }
}
