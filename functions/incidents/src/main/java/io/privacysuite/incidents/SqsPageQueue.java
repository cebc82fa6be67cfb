package io.privacysuite.incidents;

import io.privacysuite.core.Json;
import io.privacysuite.notify.NoticeCampaign;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The notice fan-out queue: each message one page of a campaign, delayed to keep the send rate. */
public final class SqsPageQueue implements NoticeFanOut.PageQueue {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsPageQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void queue(NoticeCampaign page, int delaySeconds) {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(Json.write(page)).delaySeconds(delaySeconds));
    }
}
