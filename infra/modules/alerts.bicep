// What operators are told about: dead letters in the app's own subscriptions,
// failed function executions, and requests escalated because nobody assigned them.
//
// alertEmail is optional, not required: a dev or test environment provisions
// without a mailbox to notify, and the alert rules still exist, fire and show
// in the portal (Monitor > Alerts). With an address, an action group mails it.

param location string
param tags object
param namespaceName string
param topicName string
param applicationInsightsName string

@description('Who is mailed when an alert fires; empty: the alerts fire without notifying anyone.')
param alertEmail string = ''

@minValue(1)
@description('Failed function executions in 15 minutes that raise the alert. A consumer that fails raises and is retried by design (a mail relay briefly down), so a few failures are not an incident.')
param failedExecutionsThreshold int = 5

// The remind timer logs this line once per escalated request (shared/services.py send_reminders).
var escalationLogPrefix = 'request escalated:'
var notify = !empty(alertEmail)

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: namespaceName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (notify) {
  name: 'ag-fta-operators'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'fta-ops'
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var actionGroupIds = notify ? [actionGroup.id] : []

// Service Bus reports DeadletteredMessages per queue or topic only: the
// EntityName dimension names the topic, and there is no subscription dimension
// (Azure/azure-service-bus#119). The topic's figure is the sum over its
// subscriptions, and the lead feeds add nothing to it: they drop what expires
// (servicebus.bicep) and the app never receives from them. So this one rule is
// the dead-letter alert of route-to-leads and notify; `python -m ops
// deadletters list` tells which of the two and why.
resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-${topicName}-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'Messages in the dead-letter queues of route-to-leads and notify (the lead feeds do not dead-letter on expiry). Inspect and replay with python -m ops deadletters.'
    severity: 2
    enabled: true
    scopes: [
      namespace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'DeadLettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                topicName
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [for id in actionGroupIds: {
      actionGroupId: id
    }]
  }
}

// Every function invocation (HTTP, Service Bus and timer triggers) is a request
// in Application Insights; a failed one is an invocation that raised.
resource failedExecutionsAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-failed-executions'
  location: 'global'
  tags: tags
  properties: {
    description: 'Function executions that failed (raised) in the last 15 minutes.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'FailedExecutions'
          metricNamespace: 'Microsoft.Insights/components'
          metricName: 'requests/failed'
          operator: 'GreaterThan'
          threshold: failedExecutionsThreshold
          timeAggregation: 'Count'
        }
      ]
    }
    actions: [for id in actionGroupIds: {
      actionGroupId: id
    }]
  }
}

// A request is escalated when it stayed routed and unassigned past the SLA
// through every reminder (FTA_REMINDERS_BEFORE_ESCALATION); the remind timer
// runs hourly on weekdays, so the rule looks at the last hour, every hour.
resource escalationAlert 'Microsoft.Insights/scheduledQueryRules@2021-08-01' = {
  name: 'alert-overdue-requests-escalated'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'FTA requests escalated: unassigned past every reminder'
    description: 'The remind timer escalated requests nobody assigned; see python -m ops overdue.'
    severity: 3
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    autoMitigate: false
    criteria: {
      allOf: [
        {
          query: 'traces | where message startswith "${escalationLogPrefix}"'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: actionGroupIds
    }
  }
}
