package io.auditbridge.eks;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/** The invocation context the Lambda runtime would pass: a request id and the time left. */
record TestLambdaContext(String requestId, int remainingMillis) implements Context {
    @Override public String getAwsRequestId() { return requestId; }
    @Override public String getLogGroupName() { return "/aws/lambda/auditbridge-eks"; }
    @Override public String getLogStreamName() { return "2026/11/30/[$LATEST]0123456789abcdef"; }
    @Override public String getFunctionName() { return "auditbridge-eks"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-west-2:111122223333:function:auditbridge-eks"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return remainingMillis; }
    @Override public int getMemoryLimitInMB() { return 512; }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override public void log(String message) { System.err.println(message); }
            @Override public void log(byte[] message) { System.err.println(new String(message)); }
        };
    }
}
