package io.privacysuite.retention;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Env;
import io.privacysuite.core.Log;
import io.privacysuite.core.accounts.AccountsTable;
import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.sqs.SqsBatch;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Account lifecycle messages from the company's systems (SQS). Each message is applied on its own; a failed one
 * is reported back for redelivery (and lands in the dead-letter queue after the redrive limit, malformed ones
 * included, where an operator can read them), the rest of the batch is done.
 */
public final class AccountLifecycleHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final RetentionServices services;
    private final AccountLifecycle lifecycle;

    public AccountLifecycleHandler() {
        this(Env.system());
    }

    public AccountLifecycleHandler(Env env) {
        this(RetentionServices.from(env));
    }

    public AccountLifecycleHandler(RetentionServices services) {
        this.services = services;
        this.lifecycle = services.lifecycle();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Log log = Log.of(context);
        return SqsBatch.process(event, message -> {
            try {
                apply(LifecycleEvent.parse(message.getBody()), log);
                return SqsBatch.Result.DONE;
            } catch (IllegalArgumentException e) {
                // Validation messages name fields, never values.
                log.warn("lifecycle_rejected", "messageId", message.getMessageId(), "reason", e.getMessage());
                return SqsBatch.Result.RETRY;
            }
        }, (message, e) -> log.error("lifecycle_failed", e, "messageId", message.getMessageId()));
    }

    void apply(LifecycleEvent event, Log log) {
        Instant now = services.clock().instant();
        switch (event.type()) {
            case CREATED, UPDATED -> {
                JsonNode body = event.body();
                services.accounts().upsertProfile(event.accountId(), body.path("name").asText(null),
                        body.hasNonNull("billingLast4") ? body.get("billingLast4").asText() : null,
                        body.hasNonNull("email") ? body.get("email").asText() : null, event.occurredAt());
                log.info("account_upserted", "accountId", event.accountId(), "type", event.wireType());
            }
            case INVOICE_ISSUED -> {
                JsonNode invoice = event.body().path("invoice");
                String number = invoice.path("number").asText("");
                if (!number.matches("[A-Za-z0-9._-]{1,64}")) {
                    throw new IllegalArgumentException("invoice.number must be 1-64 letters, digits, dot, dash or underscore");
                }
                Map<String, AttributeValue> attributes = new HashMap<>();
                attributes.put("invoiceNumber", AttributeValue.fromS(number));
                attributes.put("amountCents", AttributeValue.fromN(Long.toString(invoice.path("amountCents").asLong(0))));
                attributes.put("currency", AttributeValue.fromS(invoice.path("currency").asText("EUR")));
                attributes.put("issuedAt", AttributeValue.fromS(event.occurredAt().toString()));
                services.accounts().putItem(event.accountId(), AccountsTable.invoiceSk(number), DataCategory.ACCOUNT, attributes,
                        event.occurredAt());
                log.info("invoice_recorded", "accountId", event.accountId());
            }
            case CANCELLED -> {
                AccountLifecycle.Cancellation c = lifecycle.cancel(event.accountId(), event.occurredAt(), now);
                log.info("account_cancelled", "accountId", event.accountId(), "applied", c.applied(),
                        "accountErasureAt", c.accountErasureAt(), "erased", c.erased(), "parked", c.parked());
            }
            case REACTIVATED -> {
                AccountLifecycle.Reactivation r = lifecycle.reactivate(event.accountId(), event.occurredAt(), now);
                if (r.applied() == AccountLifecycle.Applied.TOO_LATE) {
                    // Nothing to restore any more: the account's data was erased. Retrying cannot help.
                    log.warn("reactivation_too_late", "accountId", event.accountId());
                } else {
                    log.info("account_reactivated", "accountId", event.accountId(), "applied", r.applied(),
                            "restored", r.restored());
                }
            }
        }
    }
}
