// Service Bus: the fta-events topic and its subscriptions, as in
// shared/topology.py (tests/infra checks that they agree).
// Each subscription's filter is its '$Default' rule: a subscription is created
// with a catch-all '$Default' rule, and declaring a rule of that name replaces
// its filter instead of adding a second, wider rule beside it.

param location string
param tags object
param namespaceName string

@description('Lead group ids from shared/config/routing.yaml: each gets a leads-<id> subscription.')
param leadGroupIds array

// The lead feeds (leads-<id>) have no consumer in the app; the leads' own
// consumers read them, if they run. An unread message there simply expires and
// is dropped, not dead-lettered: the dead-letter count operators alert on must
// only grow when the app's own pipeline fails. A week (P7D) still carries a lead
// consumer over a long weekend or an outage of a few days, while a request left
// unassigned for that long has been reminded and escalated by the remind timer,
// and the dashboard is the record of what is waiting. It also bounds what unread
// feeds hold: messages in every subscription count against the topic's size
// quota, and a full topic refuses publishes to the app's own subscriptions too.
// Keep the default equal to shared/topology.py LEAD_FEED_TTL_SECONDS (tests/infra).
@description('Time to live of a message in a leads-<id> subscription (ISO 8601); expired messages are dropped.')
param leadFeedMessageTimeToLive string = 'P7D'

// route-to-leads, notify and teams: shared/topology.py MESSAGE_TTL_SECONDS; what expires is dead-lettered.
var appMessageTimeToLive = 'P14D'

var fixedSubscriptions = [
  {
    name: 'route-to-leads'
    sqlFilter: 'sys.Label = \'request.submitted\''
    timeToLive: appMessageTimeToLive
    deadLetterOnExpiry: true
  }
  {
    name: 'notify'
    sqlFilter: '1=1'
    timeToLive: appMessageTimeToLive
    deadLetterOnExpiry: true
  }
  {
    name: 'teams'
    sqlFilter: 'sys.Label IN (\'request.routed\', \'request.reminder\', \'request.escalated\')'
    timeToLive: appMessageTimeToLive
    deadLetterOnExpiry: true
  }
  {
    name: 'reporting'
    sqlFilter: '1=1'
    timeToLive: appMessageTimeToLive
    deadLetterOnExpiry: true
  }
]

var leadSubscriptions = [for leadGroupId in leadGroupIds: {
  name: 'leads-${leadGroupId}'
  sqlFilter: 'sys.Label = \'request.routed\' AND leadGroup = \'${leadGroupId}\''
  timeToLive: leadFeedMessageTimeToLive
  deadLetterOnExpiry: false
}]

var topicSubscriptions = concat(fixedSubscriptions, leadSubscriptions)

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: 'fta-events'
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    defaultMessageTimeToLive: appMessageTimeToLive
    enableBatchedOperations: true
  }
}

resource subscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [for sub in topicSubscriptions: {
  parent: topic
  name: sub.name
  properties: {
    maxDeliveryCount: 10
    lockDuration: 'PT1M'
    deadLetteringOnMessageExpiration: sub.deadLetterOnExpiry
    deadLetteringOnFilterEvaluationExceptions: true
    defaultMessageTimeToLive: sub.timeToLive
    enableBatchedOperations: true
  }
}]

resource subscriptionFilter 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [for (sub, i) in topicSubscriptions: {
  parent: subscription[i]
  name: '$Default'
  properties: {
    filterType: 'SqlFilter'
    sqlFilter: {
      sqlExpression: sub.sqlFilter
    }
  }
}]

output namespaceName string = namespace.name
// serviceBusEndpoint is https://<namespace>.<cloud suffix>:443/
output fullyQualifiedNamespace string = replace(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':443/', '')
output topicName string = topic.name
