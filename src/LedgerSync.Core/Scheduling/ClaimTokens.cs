using System.Globalization;

namespace LedgerSync.Scheduling;

/// <summary>
/// Claim tokens: the value a store writes as a job's <see cref="ReconciliationJob.Owner"/> when it hands out a claim. Unique
/// per claim, and readable by an operator (host, process).
/// </summary>
public static class ClaimTokens
{
    private static readonly string Prefix = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/");

    /// <summary>A new token, <c>host/process-id/unique</c>.</summary>
    public static string New() => Prefix + Guid.NewGuid().ToString("N");
}
