// FTA Requests on Azure: `azd up` provisions this file (see "Deploy to Azure" in README.md).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name: names the resource group rg-<name> and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region of every resource (one that offers the Flex Consumption plan).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@minLength(1)
@description('Application (client) ID of the Entra ID app registration that signs users in and defines the FTA.Lead and FTA.Admin app roles.')
param authClientId string

@description('Origin allowed by CORS for a form hosted elsewhere (e.g. https://forms.contoso.com); empty when users only use the app\'s own page.')
param formOrigin string = ''

@description('Base URL for links in emails; empty means the Function App\'s own URL.')
param publicUrl string = ''

@description('Lead group ids: one leads-<id> Service Bus subscription each. Keep equal to the groups in shared/config/routing.yaml (tests/infra checks it).')
param leadGroupIds array = [
  'fta-alignment'
  'americas-leads'
  'emea-leads'
  'asia-pacific-leads'
]

@description('Lead groups whose Teams channel gets cards: [{group, setting, secretName}]. setting is the group\'s teamsWebhookSetting in shared/config/routing.yaml (tests/infra checks it); secretName is the Key Vault secret holding the channel\'s webhook URL. Store the secret before adding its entry (README, "Teams channels").')
param teamsWebhooks array = []

@description('Time to live of a message in the leads-<id> subscriptions, which the app does not consume: unread messages expire and are dropped (see modules/servicebus.bicep).')
param leadFeedMessageTimeToLive string = 'P7D'

@description('How the app sends email: graph (Microsoft Graph as the shared mailbox mailSender, with the app\'s managed identity: no secret; docs/deployment.md, "Mail through Microsoft Graph"), smtp (an SMTP relay) or outbox (files on the instance: nothing is delivered).')
@allowed([
  'graph'
  'smtp'
  'outbox'
])
param emailBackend string = 'outbox'

@description('The shared mailbox the app sends as and reads replies from (emailBackend graph).')
param mailSender string = ''

@description('Key Vault secret holding the key of reply addresses (FTA_REPLY_KEY): store it before deploying (docs/deployment.md).')
param replyKeySecretName string = 'fta-reply-key'

@description('Sender address of every email.')
param emailFrom string = 'fta-requests@localhost'

param smtpHost string = ''
param smtpPort int = 587
param smtpUsername string = ''

@description('Key Vault secret holding the SMTP relay\'s password, when it needs one (SMTP_PASSWORD is a Key Vault reference to it); empty: none.')
param smtpPasswordSecretName string = ''
param smtpStartTls bool = true

@description('NCRONTAB of the remind timer (default in shared/settings.py: hourly on weekdays).')
param remindSchedule string = '0 0 * * * 1-5'

@description('NCRONTAB of the sweep timer that republishes undispatched events (default in shared/settings.py).')
param sweepSchedule string = '0 */1 * * * *'

@minValue(0)
param assignSlaBusinessHours int = 16

@description('Email address that alerts notify (dead letters, failed executions, escalated requests); empty: the alerts fire in the portal only.')
param alertEmail string = ''

@minValue(0)
@maxValue(100)
param remindersBeforeEscalation int = 2

@description('Submissions per user and hour (FTA_SUBMISSIONS_PER_HOUR); 0 turns the limit off.')
@minValue(0)
param submissionsPerHour int = 60

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

@description('Microsoft Defender for Storage malware scanning of uploaded documents; when on, the app serves only documents whose scan result tag says "No threats found".')
param documentsMalwareScanning bool = false

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    storageAccountName: 'st${resourceToken}'
    deploymentContainerName: 'app-package-${resourceToken}'
    documentsContainerName: 'documents'
    malwareScanning: documentsMalwareScanning
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    location: location
    tags: tags
    namespaceName: 'sb-${resourceToken}'
    leadGroupIds: leadGroupIds
    leadFeedMessageTimeToLive: leadFeedMessageTimeToLive
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    location: location
    tags: tags
    accountName: 'cosmos-${resourceToken}'
    databaseName: 'fta'
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    location: location
    tags: tags
    keyVaultName: 'kv-${resourceToken}'
  }
}

module api 'modules/functionapp.bicep' = {
  name: 'api'
  scope: rg
  params: {
    location: location
    tags: tags
    planName: 'plan-${resourceToken}'
    functionAppName: functionAppName
    storageAccountName: storage.outputs.storageAccountName
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    documentsBlobEndpoint: storage.outputs.blobEndpoint
    documentsContainerName: storage.outputs.documentsContainerName
    documentsRequireScan: documentsMalwareScanning
    authClientId: authClientId
    formOrigin: formOrigin
    publicUrl: publicUrl
    emailBackend: emailBackend
    emailFrom: emailFrom
    smtpHost: smtpHost
    smtpPort: smtpPort
    smtpUsername: smtpUsername
    smtpPasswordSecretName: smtpPasswordSecretName
    mailSender: mailSender
    replyKeySecretName: replyKeySecretName
    smtpStartTls: smtpStartTls
    remindSchedule: remindSchedule
    sweepSchedule: sweepSchedule
    assignSlaBusinessHours: assignSlaBusinessHours
    remindersBeforeEscalation: remindersBeforeEscalation
    keyVaultUri: keyVault.outputs.vaultUri
    teamsWebhooks: teamsWebhooks
    submissionsPerHour: submissionsPerHour
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    namespaceName: serviceBus.outputs.namespaceName
    topicName: serviceBus.outputs.topicName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    alertEmail: alertEmail
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    principalId: api.outputs.principalId
    storageAccountName: storage.outputs.storageAccountName
    documentsContainerName: storage.outputs.documentsContainerName
    serviceBusNamespaceName: serviceBus.outputs.namespaceName
    cosmosAccountName: cosmos.outputs.accountName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.url
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
