using System.Net;

namespace LedgerSync.Transport.Http;

/// <summary>
/// The request body of a session: HttpClient hands over the request stream, which stays open (and the HTTP/2 stream
/// half-open) until the session completes its side or aborts.
/// </summary>
internal sealed class DuplexRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DuplexRequestContent()
    {
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(SessionProtocol.ContentType);
    }

    /// <summary>The request stream, once HttpClient has started sending the body.</summary>
    public Task<Stream> Stream => _stream.Task;

    /// <summary>Ends the request body normally.</summary>
    public void Finish() => _finished.TrySetResult();

    /// <summary>Fails the request body: HttpClient resets the stream.</summary>
    public void Fail()
    {
        _stream.TrySetCanceled();
        _finished.TrySetCanceled();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(SessionProtocol.Preamble.ToArray(), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _stream.TrySetResult(stream);
        await using (cancellationToken.Register(static state => ((DuplexRequestContent)state!).Fail(), this).ConfigureAwait(false))
        {
            await _finished.Task.ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
