using LedgerSync.Sketches;

namespace LedgerSync.Protocol;

/// <summary>
/// The requester's symbols as it streams them: symbol 0 from the sketch, then windows of up to
/// <c>maxWindow</c> symbols computed in one pass each (as many as the round still needs), handed out in order.
/// </summary>
internal sealed class RequesterSymbolStream(LocalSketch sketch, int maxWindow)
{
    private CodedSymbol[] _symbols = [];
    private long _start = 1;
    private int _length;

    /// <summary>
    /// Copies the symbols from <paramref name="firstIndex"/> (the next in order) into <paramref name="destination"/>;
    /// <paramref name="roundEnd"/> says how far the current round goes, so one pass computes the rest of it (up to the window).
    /// </summary>
    public void Copy(long firstIndex, Span<CodedSymbol> destination, long roundEnd)
    {
        var written = 0;
        if (firstIndex == 0)
        {
            sketch.CopySymbols(0, destination[..1]);
            written = 1;
        }

        while (written < destination.Length)
        {
            var index = firstIndex + written;
            if (index >= _start + _length)
            {
                // As much as the round still needs, up to the window (never less than what is asked now).
                var size = (int)Math.Min(Math.Max(roundEnd, index + destination.Length - written) - index, Math.Max(maxWindow, destination.Length - written));
                if (_symbols.Length < size)
                {
                    _symbols = new CodedSymbol[Math.Max(size, Math.Min(maxWindow, 2 * _symbols.Length))];
                }

                _start = index;
                _length = size;
                sketch.StreamSymbols(_symbols.AsSpan(0, size));
            }

            var take = (int)Math.Min(destination.Length - written, _start + _length - index);
            _symbols.AsSpan((int)(index - _start), take).CopyTo(destination[written..]);
            written += take;
        }
    }
}
