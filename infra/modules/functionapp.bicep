// The Function App on the Flex Consumption plan (FC1, Linux, Python 3.11) with
// a system-assigned identity for every backend, and App Service Authentication
// (Entra ID) in front of every route: the app reads the caller from
// X-MS-CLIENT-PRINCIPAL, and its roles (FTA.Lead, FTA.Admin) from the roles claims.

param location string
param tags object
param planName string
param functionAppName string
param storageAccountName string
param deploymentContainerUrl string
param applicationInsightsConnectionString string
param serviceBusFullyQualifiedNamespace string
param cosmosEndpoint string
param cosmosDatabaseName string
param documentsBlobEndpoint string
param documentsContainerName string
param documentsRequireScan bool

@description('Application (client) ID of the Entra ID app registration that signs users in.')
param authClientId string

@description('Origin of a form hosted elsewhere that calls the API (e.g. https://forms.contoso.com); empty when the app serves its own page.')
param formOrigin string

@description('Base URL used for links in emails; empty means the app\'s own https://<name>.azurewebsites.net.')
param publicUrl string

@allowed([
  'graph'
  'smtp'
  'outbox'
])
param emailBackend string
param mailSender string
param replyKeySecretName string
param emailFrom string
param smtpHost string
param smtpPort int
param smtpUsername string

param smtpPasswordSecretName string
param smtpStartTls bool
param remindSchedule string
param sweepSchedule string
param assignSlaBusinessHours int
param remindersBeforeEscalation int
param submissionsPerHour int

@description('The Key Vault holding the Teams webhook URLs: https://<name>.vault.azure.net/')
param keyVaultUri string

@description('[{group, setting, secretName}]: each setting becomes a Key Vault reference to its secret.')
param teamsWebhooks array

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

var ownUrl = 'https://${functionAppName}.azurewebsites.net'

// Read by the platform with the app's identity (Key Vault Secrets User); the app sees the URL only.
var teamsAppSettings = [for webhook in teamsWebhooks: {
  name: webhook.setting
  value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${webhook.secretName})'
}]

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  // checkov:skip=CKV_AZURE_225: Zone redundancy on Flex Consumption keeps two always-ready instances per function group billed around the clock; this internal request tool accepts a zone outage and scales from zero.
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  // checkov:skip=CKV_AZURE_222: Account teams reach the request form from the internet; App Service Authentication (Entra ID) guards every route except /api/health (a bare status; the details need FTA.Admin).
  // checkov:skip=CKV_AZURE_17: Users sign in with Entra ID; asking browsers for client certificates would prompt every user and add nothing.
  // checkov:skip=CKV_AZURE_212: Flex Consumption has no worker count: instances scale out from zero on demand.
  // checkov:skip=CKV_AZURE_213: Flex Consumption does not support the platform health check; /api/health serves monitors instead.
  name: functionAppName
  location: location
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'python'
        version: '3.11'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      cors: {
        allowedOrigins: empty(formOrigin) ? [] : [
          formOrigin
        ]
        supportCredentials: !empty(formOrigin)
      }
      appSettings: concat([
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: applicationInsightsConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'Authorization=AAD'
        }
        {
          name: 'ServiceBusConnection__fullyQualifiedNamespace'
          value: serviceBusFullyQualifiedNamespace
        }
        {
          name: 'FTA_BUS'
          value: 'servicebus'
        }
        {
          name: 'FTA_STORE'
          value: 'cosmos'
        }
        {
          name: 'COSMOS_ENDPOINT'
          value: cosmosEndpoint
        }
        {
          name: 'COSMOS_DATABASE'
          value: cosmosDatabaseName
        }
        {
          name: 'FTA_DOCUMENTS'
          value: 'blob'
        }
        {
          name: 'DocumentStorage__blobServiceUri'
          value: documentsBlobEndpoint
        }
        {
          name: 'FTA_DOCUMENTS_CONTAINER'
          value: documentsContainerName
        }
        {
          name: 'FTA_DOCUMENTS_REQUIRE_SCAN'
          value: string(documentsRequireScan)
        }
        {
          name: 'FTA_DATA_DIR'
          value: '/tmp/fta'
        }
        {
          name: 'FTA_EMAIL'
          value: emailBackend
        }
        {
          name: 'FTA_EMAIL_FROM'
          value: emailFrom
        }
        {
          name: 'SMTP_HOST'
          value: smtpHost
        }
        {
          name: 'SMTP_PORT'
          value: string(smtpPort)
        }
        {
          name: 'SMTP_USERNAME'
          value: smtpUsername
        }
        {
          name: 'SMTP_PASSWORD'
          value: empty(smtpPasswordSecretName) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${smtpPasswordSecretName})'
        }
        {
          name: 'FTA_MAIL_SENDER'
          value: mailSender
        }
        {
          name: 'FTA_REPLY_KEY'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${replyKeySecretName})'
        }
        {
          name: 'SMTP_STARTTLS'
          value: string(smtpStartTls)
        }
        {
          name: 'FTA_PUBLIC_URL'
          value: empty(publicUrl) ? ownUrl : publicUrl
        }
        {
          name: 'FTA_REMIND_SCHEDULE'
          value: remindSchedule
        }
        {
          name: 'FTA_SWEEP_SCHEDULE'
          value: sweepSchedule
        }
        {
          name: 'FTA_ASSIGN_SLA_BUSINESS_HOURS'
          value: string(assignSlaBusinessHours)
        }
        {
          name: 'FTA_REMINDERS_BEFORE_ESCALATION'
          value: string(remindersBeforeEscalation)
        }
        {
          // A page on formOrigin may change state too (the app refuses other sites' writes).
          name: 'FTA_ALLOWED_ORIGINS'
          value: formOrigin
        }
        {
          name: 'FTA_SUBMISSIONS_PER_HOUR'
          value: string(submissionsPerHour)
        }
      ], teamsAppSettings)
    }
  }
}

resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  // checkov:skip=CKV_AZURE_13: Reads the v1 authsettings schema (properties.enabled); authsettingsV2 turns authentication on with platform.enabled, which CKV_AZURE_56 verifies.
  // checkov:skip=CKV_AZURE_63: Reads the 'web' config schema (httpLoggingEnabled); this resource is authsettingsV2, and the app logs to Application Insights.
  // checkov:skip=CKV_AZURE_65: Reads the 'web' config schema (detailedErrorLoggingEnabled); this resource is authsettingsV2.
  // checkov:skip=CKV_AZURE_66: Reads the 'web' config schema (requestTracingEnabled); this resource is authsettingsV2, and requests are traced in Application Insights.
  // checkov:skip=CKV_AZURE_80: Reads the 'web' config schema (netFrameworkVersion); this resource is authsettingsV2 of a Python app.
  // checkov:skip=CKV_AZURE_88: Reads the 'web' config schema (azureStorageAccounts); this resource is authsettingsV2, and the app mounts no file share.
  // checkov:skip=CKV_AZURE_222: Reads publicNetworkAccess, a site property; this resource is authsettingsV2 (see the site's own skip).
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      // The page and its assets hold no data: served to everyone so that a
      // signed-out visitor sees the sign-in link. Of /api only the health probe ({status} only;
      // /api/health/details is not excluded: FTA.Admin) and the OpenAPI and AsyncAPI documents are public.
      excludedPaths: [
        '/api/health'
        '/api/openapi.json'
        '/api/asyncapi.json'
        '/'
        // the page's own addresses (the same HTML; its data comes from /api, which needs a sign-in),
        // so that a link in a mail opens the page, which offers the sign-in when nobody is signed in
        '/queue'
        '/assigned'
        '/reports'
        '/architects'
        '/requests/*'
        '/static/api.js'
        '/static/app.js'
        '/static/architects.js'
        '/static/dialogs.js'
        '/static/documents.js'
        '/static/dom.js'
        '/static/eligibility.js'
        '/static/favicon.svg'
        '/static/form.js'
        '/static/format.js'
        '/static/intake.js'
        '/static/list.js'
        '/static/reports.js'
        '/static/request.js'
        '/static/router.js'
        '/static/sentences.js'
        '/static/state.js'
        '/static/style.css'
        '/static/timeline.js'
        '/static/vocabulary.js'
      ]
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            authClientId
            'api://${authClientId}'
          ]
        }
      }
    }
    login: {
      // The app needs only X-MS-CLIENT-PRINCIPAL, which the platform adds from
      // the session; it never reads the users' provider tokens.
      tokenStore: {
        enabled: false
      }
    }
  }
}

output name string = functionApp.name
output principalId string = functionApp.identity.principalId
output url string = 'https://${functionApp.properties.defaultHostName}'
