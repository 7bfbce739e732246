package dev.conveyor.worker.service;

/**
 * A request's prompt tokens as OpenAI's cookbook counts them for rate limiting: 4 a message plus
 * its text at about four characters a token, and 2 to prime the reply. Providers count a call
 * against their token limit as this estimate plus its max_tokens when they admit it, so the gate
 * reserves the same: more would pace below the limit, less would meet 429s.
 */
public final class PromptTokens {

    private PromptTokens() {
    }

    public static long estimate(ModelRequest request) {
        long tokens = 2 + 4 + text(request.system());
        for (ModelRequest.Turn turn : request.turns()) {
            tokens += 4 + text(turn.text());
        }
        return tokens;
    }

    private static long text(String text) {
        return text == null ? 0 : (text.length() + 3) / 4;
    }
}
