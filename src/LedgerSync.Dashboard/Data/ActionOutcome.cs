namespace LedgerSync.Dashboard.Data;

/// <summary>The result of an action, as the message shown above the page.</summary>
/// <param name="Succeeded">Whether the action did what was asked.</param>
/// <param name="Message">The message for the operator (plain text; encoded when rendered).</param>
/// <param name="StatusCode">The HTTP status of the response.</param>
internal sealed record ActionOutcome(bool Succeeded, string Message, int StatusCode)
{
    public static ActionOutcome Ok(string message) => new(true, message, 200);

    public static ActionOutcome Rejected(string message, int statusCode) => new(false, message, statusCode);
}
