using System.Collections.Immutable;
using System.Text;
using LedgerSync.Ledger;

namespace LedgerSync.Samples.Node;

/// <summary>
/// The node ledger's transactions as recovery moves them: three lines of UTF-8 text, <c>ledgersync-sample|series|index</c>
/// (whose SHA-256 is the transaction's ID, as <see cref="NodeLedger"/> derives it), the dependencies separated by commas
/// and the participants separated by semicolons. The payload source builds it from the ledger row with SQL
/// (<see cref="NodeLedger.PayloadQuery"/>); this decoder reads it back, deriving the ID from the first line.
/// </summary>
internal sealed class NodeTransactionCodec : ITransactionDecoder
{
    public const string Prefix = "ledgersync-sample|";

    /// <inheritdoc />
    public TransactionMetadata Decode(ReadOnlyMemory<byte> bytes)
    {
        var (key, _, _, dependencies, participants) = Parse(bytes.Span);
        return new TransactionMetadata(TransactionId.HashOf(Encoding.UTF8.GetBytes(key)), dependencies, participants);
    }

    /// <summary>Reads a payload: its key line, series, index, dependencies and participants.</summary>
    /// <exception cref="FormatException">It is not one of this ledger's transactions.</exception>
    public static (string Key, string Series, long Index, ImmutableArray<TransactionId> Dependencies, ImmutableArray<PartyName> Participants) Parse(ReadOnlySpan<byte> bytes)
    {
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        if (lines.Length != 3 || !lines[0].StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException("Not a sample node transaction.");
        }

        var key = lines[0];
        var separator = key.LastIndexOf('|');
        if (separator <= Prefix.Length || !long.TryParse(key.AsSpan(separator + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
        {
            throw new FormatException("The transaction's key has no series and index.");
        }

        var dependencies = lines[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(TransactionId.Parse).ToImmutableArray();
        var participants = lines[2].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(PartyName.Parse).ToImmutableArray();
        return (key, key[Prefix.Length..separator], index, dependencies, participants);
    }
}
