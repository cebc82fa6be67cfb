package io.privacysuite.local.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.privacysuite.local.LocalSuite;
import io.privacysuite.local.LocalSuiteOptions;
import io.privacysuite.local.TestEmulators;
import io.privacysuite.local.TestHandlers;
import io.privacysuite.local.template.Template;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class SqsPollerTest {
    private static final String TEMPLATE = """
            Resources:
              JobsDlq:
                Type: AWS::SQS::Queue
              Jobs:
                Type: AWS::SQS::Queue
                Properties:
                  VisibilityTimeout: 1
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt JobsDlq.Arn
                    maxReceiveCount: 2
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: io.privacysuite.local.TestHandlers$Sqs::handleRequest
                  Events:
                    Jobs:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Jobs.Arn
                        BatchSize: 10
                        FunctionResponseTypes: [ReportBatchItemFailures]
            """;

    @Test
    void shouldDeleteSucceededMessagesAndRedeliverTheFailedOneUntilItReachesTheDlq() {
        TestHandlers.Sqs.RECEIVED.clear();
        try (LocalSuite stack = LocalSuite.start(LocalSuiteOptions.defaults()
                .endpoints(TestEmulators.shared())
                .template(Template.parse(TEMPLATE))
                .prefix("t-sqs-")
                .httpPort(LocalSuiteOptions.NO_HTTP))) {
            SqsClient sqs = stack.awsClients().sqs();
            String jobs = stack.resources().queueUrl("Jobs");
            String dlq = stack.resources().queueUrl("JobsDlq");
            sqs.sendMessage(b -> b.queueUrl(jobs).messageBody("ok")
                    .messageAttributes(Map.of("kind", MessageAttributeValue.builder().dataType("String").stringValue("test").build())));
            sqs.sendMessage(b -> b.queueUrl(jobs).messageBody("poison"));

            List<Message> dead = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> sqs.receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(0)).messages(), m -> !m.isEmpty());

            assertThat(dead).singleElement().extracting(Message::body).isEqualTo("poison");
            List<SQSEvent.SQSMessage> received = TestHandlers.Sqs.RECEIVED;
            assertThat(received).filteredOn(m -> m.getBody().equals("ok")).singleElement().satisfies(ok -> {
                assertThat(ok.getEventSourceArn()).isEqualTo(stack.resources().queueArn("Jobs"));
                assertThat(ok.getEventSource()).isEqualTo("aws:sqs");
                assertThat(ok.getAwsRegion()).isEqualTo("eu-west-1");
                assertThat(ok.getMessageAttributes().get("kind").getStringValue()).isEqualTo("test");
                assertThat(ok.getAttributes()).containsEntry("ApproximateReceiveCount", "1").containsKey("SentTimestamp");
                assertThat(ok.getMd5OfBody()).isNotBlank();
            });
            assertThat(received).filteredOn(m -> m.getBody().equals("poison"))
                    .extracting(m -> m.getAttributes().get("ApproximateReceiveCount")).containsExactly("1", "2");
            Map<QueueAttributeName, String> left = sqs.getQueueAttributes(b -> b.queueUrl(jobs).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                    .attributes();
            assertThat(left).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
                    .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
        }
    }
}
