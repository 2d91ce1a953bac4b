namespace LedgerSync;

/// <summary>One configuration key of <see cref="LedgerSyncOptions"/>: its spelling, what it accepts and how a text value binds.</summary>
internal sealed class LedgerSyncOptionKey
{
    private readonly Func<LedgerSyncOptions, string, string?> _bind;

    public LedgerSyncOptionKey(string name, string accepted, Func<LedgerSyncOptions, string, string?> bind)
    {
        Name = name;
        Accepted = accepted;
        _bind = bind;
    }

    /// <summary>The key as the reference product spells it, for example <c>maxNumberOfIbfFilterFlows</c>.</summary>
    public string Name { get; }

    /// <summary>What the key accepts, for messages and documentation, for example <c>1 to 15</c>.</summary>
    public string Accepted { get; }

    /// <summary>For duration keys: the property getter and the accepted range, checked by the validator.</summary>
    public Func<LedgerSyncOptions, TimeSpan>? GetDuration { get; init; }

    /// <summary>The smallest accepted duration.</summary>
    public TimeSpan MinDuration { get; init; }

    /// <summary>The largest accepted duration.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.MaxValue;

    /// <summary>Sets the property from a configuration text; returns what is wrong, or <see langword="null"/> when it bound.</summary>
    public string? Bind(LedgerSyncOptions options, string value) => _bind(options, value);
}
