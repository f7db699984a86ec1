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

var fixedSubscriptions = [
  {
    name: 'route-to-leads'
    sqlFilter: 'sys.Label = \'request.submitted\''
  }
  {
    name: 'notify'
    sqlFilter: '1=1'
  }
]

var leadSubscriptions = [for leadGroupId in leadGroupIds: {
  name: 'leads-${leadGroupId}'
  sqlFilter: 'sys.Label = \'request.routed\' AND leadGroup = \'${leadGroupId}\''
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
    defaultMessageTimeToLive: 'P14D'
    enableBatchedOperations: true
  }
}

resource subscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [for sub in topicSubscriptions: {
  parent: topic
  name: sub.name
  properties: {
    maxDeliveryCount: 10
    lockDuration: 'PT1M'
    deadLetteringOnMessageExpiration: true
    deadLetteringOnFilterEvaluationExceptions: true
    defaultMessageTimeToLive: 'P14D'
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
