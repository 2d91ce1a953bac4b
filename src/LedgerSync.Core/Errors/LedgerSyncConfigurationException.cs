namespace LedgerSync;

/// <summary>
/// A configuration value or file is invalid. The message names the key (and line, for a file), the value and what is
/// accepted; when there are several problems (a <c>.conf</c> file is checked whole), <see cref="Errors"/> holds every
/// one and the message lists them all.
/// </summary>
public sealed class LedgerSyncConfigurationException : LedgerSyncException
{
    /// <summary>Creates the exception for one problem whose key is not known.</summary>
    /// <param name="message">What is wrong and what is accepted.</param>
    public LedgerSyncConfigurationException(string message)
        : this(message, key: null)
    {
    }

    /// <summary>Creates the exception for one problem with a configuration key (and, for a <c>.conf</c> file, its line).</summary>
    /// <param name="message">What is wrong and what is accepted.</param>
    /// <param name="key">The configuration key at fault, for example <c>LedgerSync:LocalParty</c>.</param>
    /// <param name="lineNumber">The 1-based line in a <c>.conf</c> file, when the problem came from one.</param>
    public LedgerSyncConfigurationException(string message, string? key, int? lineNumber = null)
        : base(message)
    {
        Key = key;
        LineNumber = lineNumber;
        Errors = [new LedgerSyncConfigurationError(message, key, lineNumber)];
    }

    /// <summary>Creates the exception for every problem found at once.</summary>
    /// <param name="errors">The problems, in the order found (at least one).</param>
    public LedgerSyncConfigurationException(IReadOnlyList<LedgerSyncConfigurationError> errors)
        : this(errors, sourceName: null)
    {
    }

    /// <summary>Creates the exception for every problem found in <paramref name="sourceName"/> at once.</summary>
    /// <param name="errors">The problems, in the order found (at least one).</param>
    /// <param name="sourceName">What to call the configuration in the summary line, for example its file name; <see langword="null"/> for "The configuration".</param>
    public LedgerSyncConfigurationException(IReadOnlyList<LedgerSyncConfigurationError> errors, string? sourceName)
        : base(Summarize(errors, sourceName))
    {
        Errors = [.. errors];
        Key = Errors[0].Key;
        LineNumber = Errors[0].LineNumber;
    }

    /// <summary>The configuration key at fault (the first problem's, when there are several), if known.</summary>
    public string? Key { get; }

    /// <summary>The 1-based line number in a <c>.conf</c> file (the first problem's, when there are several), if the error came from one.</summary>
    public int? LineNumber { get; }

    /// <summary>Every problem found, in order; one entry when the exception reports a single problem.</summary>
    public IReadOnlyList<LedgerSyncConfigurationError> Errors { get; }

    private static string Summarize(IReadOnlyList<LedgerSyncConfigurationError> errors, string? sourceName)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("At least one configuration error is required.", nameof(errors));
        }

        if (errors.Count == 1)
        {
            return errors[0].Message;
        }

        var source = string.IsNullOrEmpty(sourceName) ? "The configuration" : sourceName;
        return $"{source} has {errors.Count} errors:{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  " + e.Message));
    }
}
