using System.Text;
using LedgerSync.Ledger;

namespace LedgerSync.Dashboard.Tests.Support;

/// <summary>
/// The test nodes' transaction payload: one UTF-8 line, the ID, then the participants separated by <c>;</c>
/// (<c>ID|O=PartyA, L=London, C=GB;O=PartyB, …</c>). What a host's serialized transaction is to recovery.
/// </summary>
internal sealed class TextTransactionCodec : ITransactionDecoder
{
    public static byte[] Encode(TransactionMetadata transaction) =>
        Encoding.UTF8.GetBytes(transaction.Id + "|" + string.Join(";", transaction.Participants));

    public TransactionMetadata Decode(ReadOnlyMemory<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes.Span);
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0 || !TransactionId.TryParse(text[..bar], out var id))
        {
            throw new FormatException("Not a test transaction payload.");
        }

        return new TransactionMetadata(id, [], [.. text[(bar + 1)..].Split(';').Select(PartyName.Parse)]);
    }
}
